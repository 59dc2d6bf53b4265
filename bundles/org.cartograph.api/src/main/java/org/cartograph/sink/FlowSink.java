package org.cartograph.sink;

import java.util.concurrent.CompletionStage;

import org.cartograph.flow.FlowBatch;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives each interval's batches (one, or several when the interval has many flows: see
 * {@link FlowBatch#lastOfInterval()}). The core owns a bounded queue per sink name, calls
 * {@link #deliver} from that queue's own thread, one batch at a time and in order, and waits for
 * the returned stage before sending the next: retryable failures are retried with backoff,
 * permanent ones are dropped and counted. When a sink service goes away and another with the
 * same {@link #name()} arrives (an upgrade through {@code deploy/}, a configuration change), the
 * queued batches go to the new one.
 *
 * <p>{@code deliver} must return quickly (do slow work asynchronously) and must not throw; a
 * thrown exception is treated as a retryable failure.
 */
@ConsumerType
public interface FlowSink {

    /** @return the sink's stable name (e.g. {@code jsonl}); identifies its queue across restarts */
    String name();

    /**
     * @param batch an immutable batch, shared with other sinks
     * @return completes with the outcome once the batch is stored or sent
     */
    CompletionStage<SinkResult> deliver(FlowBatch batch);
}
