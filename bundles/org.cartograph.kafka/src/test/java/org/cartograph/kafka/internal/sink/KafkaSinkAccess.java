package org.cartograph.kafka.internal.sink;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;

/** A real {@link KafkaSink} for tests outside its package, deactivated on close. */
public final class KafkaSinkAccess implements AutoCloseable {

    private final KafkaSink sink;

    private KafkaSinkAccess(KafkaSink sink) {
        this.sink = sink;
    }

    /** @return a sink publishing to this topic, spooling in this directory, with a 10 s delivery timeout */
    public static KafkaSinkAccess open(String servers, String topic, Path spool) throws Exception {
        return open(servers, topic, spool, 900000);
    }

    /** @return a sink as above that splits batches into records of at most this many bytes */
    public static KafkaSinkAccess open(String servers, String topic, Path spool, int maxRecordBytes) throws Exception {
        return new KafkaSinkAccess(new KafkaSink(TestSinkConfig.of(servers, topic, spool.toString())
                .withDeliveryTimeout(10).withMaxRecordBytes(maxRecordBytes).get()));
    }

    /**
     * @param attributes further attributes of the configuration (method names, e.g. {@code security_protocol})
     * @return a sink as {@link #open(String, String, Path)} with these attributes set too
     */
    public static KafkaSinkAccess open(String servers, String topic, Path spool, Map<String, Object> attributes)
            throws Exception {
        TestSinkConfig c = TestSinkConfig.of(servers, topic, spool.toString()).withDeliveryTimeout(10);
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return new KafkaSinkAccess(new KafkaSink(c.get()));
    }

    /** @return whether the delivery succeeded (the batch is in the spool) */
    public boolean deliver(FlowBatch batch) throws Exception {
        return sink.deliver(batch).toCompletableFuture().get(10, TimeUnit.SECONDS).outcome()
                == SinkResult.Outcome.SUCCESS;
    }

    /** @return batches the brokers acknowledged */
    public long sent() {
        return status().counters().get("sent");
    }

    /** @return batches waiting in the spool */
    public long spooled() {
        return status().counters().get("spool_batches");
    }

    /** @return the sink's status */
    public ComponentStatus status() {
        return sink.status().getFirst();
    }

    @Override
    public void close() {
        sink.deactivate();
    }
}
