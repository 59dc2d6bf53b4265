package org.cartograph.sink;

import org.cartograph.flow.FlowBatch;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Hands a batch to every sink, through each sink's own bounded queue. The core's pipeline
 * publishes the batches it builds; a collector publishes the batches it consumes from agents
 * (e.g. from Kafka), so they reach the same sinks and store. Thread-safe and never blocks: a full
 * sink queue drops its oldest batch and counts it.
 */
@ProviderType
public interface BatchPublisher {

    /** @param batch an immutable batch, delivered to every sink present or in a swap's grace period */
    void publish(FlowBatch batch);
}
