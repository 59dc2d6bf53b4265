package org.cartograph.core.internal;

import java.util.ArrayDeque;

import org.cartograph.flow.FlowBatch;

/**
 * The batches waiting in one sink's queue, bounded twice: by batches and by the flows they hold,
 * so that the memory a slow or failing sink pins stays bounded however large the batches are.
 * The newest batch always fits: an empty queue takes any batch. Not thread-safe: the owning
 * {@link SinkChannel} guards it with its lock.
 */
final class BatchQueue {

    /** A queued batch and, when its publisher asked, who waits for it to leave the queue. */
    record Queued(FlowBatch batch, DeliveryTracker tracker) {
        void finished() {
            if (tracker != null) {
                tracker.finished();
            }
        }

        int weight() {
            return batch.flows().size() + batch.dns().size();
        }
    }

    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final int maxBatches;
    private final long maxFlows;
    private long flows;

    /**
     * @param maxBatches most batches held
     * @param maxFlows   most flows (and DNS statistics) held, unless one batch alone is larger
     */
    BatchQueue(int maxBatches, long maxFlows) {
        this.maxBatches = Math.max(1, maxBatches);
        this.maxFlows = Math.max(1, maxFlows);
    }

    /** @return whether {@code q} can be added without dropping anything */
    boolean hasRoomFor(Queued q) {
        return queue.isEmpty() || (queue.size() < maxBatches && flows + q.weight() <= maxFlows);
    }

    /** Adds {@code q} at the tail; the caller made room first. */
    void add(Queued q) {
        queue.addLast(q);
        flows += q.weight();
    }

    Queued head() {
        return queue.peekFirst();
    }

    /** Removes the head and tells its tracker; no-op when empty. */
    Queued removeHead() {
        Queued q = queue.pollFirst();
        if (q != null) {
            flows -= q.weight();
            q.finished();
        }
        return q;
    }

    /** Removes everything, telling each tracker. @return the batches removed */
    int clear() {
        int n = queue.size();
        while (!queue.isEmpty()) {
            removeHead();
        }
        return n;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    long flows() {
        return flows;
    }

    int maxBatches() {
        return maxBatches;
    }

    long maxFlows() {
        return maxFlows;
    }
}
