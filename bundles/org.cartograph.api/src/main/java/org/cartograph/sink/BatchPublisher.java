package org.cartograph.sink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    /**
     * Publishes like {@link #publish} and tells when the sinks are done with the batch, so that a
     * caller holding the batch elsewhere (a collector's Kafka offset) lets go of it only then. The
     * stage completes once every sink queue the batch entered has finished with it: delivered, or
     * dropped and counted there (rejected, pushed out of a full queue, no sink within the grace
     * period, the dispatcher stopping). It never completes exceptionally and may stay pending
     * while a sink retries. Never blocks.
     *
     * <p>The default publishes and returns a completed stage, for publishers that cannot tell.
     *
     * @param batch an immutable batch
     * @return a stage completed when the sinks are done with the batch
     * @since 1.2
     */
    default CompletionStage<Void> publishTracked(FlowBatch batch) {
        publish(batch);
        return CompletableFuture.completedStage(null);
    }
}
