package org.cartograph.core.internal;

import org.cartograph.flow.FlowBatch;

/** Where the pipeline hands each batch: the sink dispatcher. Never blocks. */
public interface BatchPublisher {

    /** @param batch the interval's batch; queued for every sink present or in a swap's grace period */
    void publish(FlowBatch batch);
}
