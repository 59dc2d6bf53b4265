package org.cartograph.sink.otlp.internal;

import java.time.Instant;

import org.cartograph.flow.FlowBatch;

/**
 * What identifies a batch among those one sink receives: sequences count per agent, so on a
 * collector (batches of many agents) the host and time are part of it. The core retries the same
 * batch with the same identity.
 *
 * @param host     the batch's host
 * @param sequence the batch's sequence
 * @param time     the end of its interval
 */
record BatchId(String host, long sequence, Instant time) {

    /** @return the identity of a batch */
    static BatchId of(FlowBatch batch) {
        return new BatchId(batch.host(), batch.sequence(), batch.time());
    }
}
