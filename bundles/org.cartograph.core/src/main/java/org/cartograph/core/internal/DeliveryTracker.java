package org.cartograph.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the sink queues a tracked batch still sits in; its stage completes when the last one is
 * done with it (delivered, or dropped and counted). Thread-safe.
 */
final class DeliveryTracker {

    private final AtomicInteger remaining;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** @param queues the sink queues the batch is offered to */
    DeliveryTracker(int queues) {
        remaining = new AtomicInteger(queues);
        if (queues <= 0) {
            done.complete(null);
        }
    }

    /** One queue is done with the batch. */
    void finished() {
        if (remaining.decrementAndGet() == 0) {
            done.complete(null);
        }
    }

    /** @return completes when every queue is done; callers cannot complete it */
    CompletionStage<Void> stage() {
        return done.minimalCompletionStage();
    }
}
