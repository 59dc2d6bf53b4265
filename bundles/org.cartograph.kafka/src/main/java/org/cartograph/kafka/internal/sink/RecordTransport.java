package org.cartograph.kafka.internal.sink;

import java.util.concurrent.CompletionStage;

/** Where the spool's records go: a Kafka producer, or a double in tests. */
interface RecordTransport extends AutoCloseable {

    /**
     * Sends one record; never blocks for long.
     *
     * @return completes once the record is acknowledged, or exceptionally with the cause
     */
    CompletionStage<Void> send(String key, byte[] value);

    /**
     * @param failure why a send failed
     * @return whether sending the same record again can never succeed (e.g. it is too large)
     */
    boolean isPermanent(Throwable failure);

    /** Releases the transport; records not acknowledged stay in the spool. */
    @Override
    void close();
}
