package org.cartograph.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.FlowSink;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded queue of one sink name and the thread that delivers it, in order, one batch at a
 * time. The queue outlives the sink service: when a sink goes away, a replacement with the same
 * name that arrives within the grace period receives the queued batches; after it they are
 * dropped and counted. Every batch is delivered, or counted in exactly one drop counter; a
 * tracked batch's {@link DeliveryTracker} is told once, when it leaves the queue either way.
 */
final class SinkChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SinkChannel.class);
    private static final long MIN_BACKOFF_MILLIS = 200;

    private final String name;
    private final long maxBlockNanos;
    private final Duration deliveryTimeout;
    private final long maxBackoffMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by lock. */
    private final BatchQueue queue;
    /** Guarded by lock. */
    private FlowSink sink;
    /** Guarded by lock. */
    private Instant detachedAt;
    /** Guarded by lock. */
    private boolean closed;
    /** Guarded by lock. */
    private long delivered;
    private long droppedQueueFull;
    private long droppedRejected;
    private long droppedNoSink;
    /** Guarded by lock: a publisher waited in vain; none waits again until a delivery completes. */
    private boolean stalled;
    private long publisherWaits;
    private long publisherWaitMillis;
    private long retries;
    private long swaps;
    private String lastError = "";
    private Instant healthSince = Instant.now();
    private final Thread worker;

    /**
     * @param name            the sink name
     * @param capacity        most batches queued
     * @param maxFlows        most flows queued (unless one batch alone is larger)
     * @param maxBlock        how long a publisher waits for room while the sink is attached and
     *                        healthy, before the oldest batches are dropped
     * @param deliveryTimeout a delivery not completed by then is a retryable failure
     * @param maxBackoff      longest wait between two retries
     */
    SinkChannel(String name, int capacity, long maxFlows, Duration maxBlock, Duration deliveryTimeout,
                Duration maxBackoff) {
        this.name = name;
        this.queue = new BatchQueue(capacity, maxFlows);
        this.maxBlockNanos = maxBlock.toNanos();
        this.deliveryTimeout = deliveryTimeout;
        this.maxBackoffMillis = Math.max(MIN_BACKOFF_MILLIS, maxBackoff.toMillis());
        this.worker = Thread.ofVirtual().name("cartograph-sink-" + name).unstarted(this::run);
        worker.start();
    }

    String name() {
        return name;
    }

    /**
     * Queues a batch. When the queue is full and its sink is attached and healthy (a slow sink,
     * not a failing one), waits up to the configured block time for the sink to make room, so that
     * a burst of batches is delivered rather than dropped; then drops the oldest batches, counted.
     * After a wait in vain, publishers do not wait again until the sink completes a delivery, so a
     * stuck sink costs the pipeline one wait, not one per batch.
     *
     * @param batch   the batch
     * @param tracker told when the batch leaves this queue (delivered or dropped); may be null
     */
    void offer(FlowBatch batch, DeliveryTracker tracker) {
        BatchQueue.Queued q = new BatchQueue.Queued(batch, tracker);
        lock.lock();
        try {
            if (closed) {
                droppedNoSink++;
                q.finished();
                return;
            }
            awaitRoom(q);
            while (!queue.hasRoomFor(q)) {
                queue.removeHead();
                droppedQueueFull++;
            }
            queue.add(q);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits while the queue is full and its sink is attached and healthy; the lock is held. An
     * interrupt ends the wait (and stays set).
     */
    private void awaitRoom(BatchQueue.Queued q) {
        if (queue.hasRoomFor(q) || maxBlockNanos <= 0 || stalled || !healthy()) {
            return;
        }
        long start = System.nanoTime();
        long left = maxBlockNanos;
        publisherWaits++;
        try {
            while (healthy() && !queue.hasRoomFor(q) && left > 0) {
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stalled = !queue.hasRoomFor(q);
        publisherWaitMillis += (System.nanoTime() - start) / 1_000_000;
    }

    void attach(FlowSink newSink) {
        lock.lock();
        try {
            if (sink != null && sink != newSink) {
                LOG.info("sink {}: a second service with this name replaces the first", name);
            }
            if (detachedAt != null) {
                swaps++;
                LOG.info("sink {}: replacement attached, {} queued batches go to it", name, queue.size());
            }
            sink = newSink;
            detachedAt = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether this sink was the one attached */
    boolean detach(FlowSink old) {
        lock.lock();
        try {
            if (sink != old) {
                return false;
            }
            sink = null;
            detachedAt = Instant.now();
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops the queue and stops the worker if no sink came back within the grace period.
     *
     * @return whether the channel is finished and can be forgotten
     */
    boolean expireIfAbandoned(Instant now, Duration grace) {
        lock.lock();
        try {
            if (sink != null || detachedAt == null || now.isBefore(detachedAt.plus(grace))) {
                return false;
            }
            if (!queue.isEmpty()) {
                LOG.warn("sink {}: no replacement within {}s, {} queued batches dropped", name, grace.toSeconds(), queue.size());
            }
            droppedNoSink += queue.clear();
            closed = true;
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the worker; queued batches are counted as dropped. */
    void close() {
        lock.lock();
        try {
            droppedNoSink += queue.clear();
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        worker.interrupt();
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (true) {
            BatchQueue.Queued head;
            FlowSink target;
            lock.lock();
            try {
                while (!closed && (sink == null || queue.isEmpty())) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
                head = queue.head();
                target = sink;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            FlowBatch batch = head.batch();
            SinkResult result = deliver(target, batch);
            lock.lock();
            try {
                boolean stillHead = queue.head() == head;
                switch (result.outcome()) {
                    case SUCCESS -> {
                        if (stillHead) {
                            queue.removeHead();
                            changed.signalAll();
                        }
                        delivered++;
                        stalled = false;
                        backoff = MIN_BACKOFF_MILLIS;
                        if (!lastError.isEmpty()) {
                            lastError = "";
                            healthSince = Instant.now();
                        }
                    }
                    case PERMANENT_FAILURE -> {
                        if (stillHead) {
                            queue.removeHead();
                            changed.signalAll();
                        }
                        droppedRejected++;
                        error("batch " + batch.sequence() + " rejected: " + result.message());
                    }
                    case RETRYABLE_FAILURE -> {
                        retries++;
                        error(result.message());
                        changed.signalAll();
                        // wait, but wake early if the sink is replaced or the channel closes
                        FlowSink before = sink;
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
                        long left;
                        while (!closed && sink == before && (left = deadline - System.nanoTime()) > 0) {
                            changed.awaitNanos(left);
                        }
                        backoff = Math.min(maxBackoffMillis, backoff * 2);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** @return whether the sink is attached and its last delivery did not fail; the lock is held */
    private boolean healthy() {
        return !closed && sink != null && lastError.isEmpty();
    }

    private void error(String message) {
        if (lastError.isEmpty()) {
            healthSince = Instant.now();
            LOG.warn("sink {}: {}", name, message);
        }
        lastError = message;
    }

    private SinkResult deliver(FlowSink target, FlowBatch batch) {
        try {
            CompletableFuture<SinkResult> f = target.deliver(batch).toCompletableFuture();
            SinkResult r = f.get(deliveryTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return r == null ? SinkResult.retry("sink returned no result") : r;
        } catch (TimeoutException e) {
            return SinkResult.retry("delivery not completed within " + deliveryTimeout.toSeconds() + "s");
        } catch (ExecutionException e) {
            return SinkResult.retry("delivery failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SinkResult.retry("interrupted");
        } catch (RuntimeException e) {
            return SinkResult.retry("deliver threw " + e);
        }
    }

    ComponentStatus status() {
        lock.lock();
        try {
            Map<String, Long> c = new LinkedHashMap<>();
            c.put("queued", (long) queue.size());
            c.put("queued_flows", queue.flows());
            c.put("delivered", delivered);
            c.put("dropped", droppedQueueFull + droppedRejected + droppedNoSink);
            c.put("dropped_queue_full", droppedQueueFull);
            c.put("dropped_rejected", droppedRejected);
            c.put("dropped_no_sink", droppedNoSink);
            c.put("retries", retries);
            c.put("swaps", swaps);
            c.put("publisher_waits", publisherWaits);
            c.put("publisher_wait_ms", publisherWaitMillis);
            Health h;
            String msg;
            if (sink == null) {
                h = Health.DOWN;
                msg = "sink gone; waiting for a replacement since " + detachedAt;
            } else if (!lastError.isEmpty()) {
                h = Health.DEGRADED;
                msg = lastError;
            } else {
                h = Health.OK;
                msg = "";
            }
            return new ComponentStatus("sink." + name + ".queue", h, msg, c,
                    Map.of("capacity", String.valueOf(queue.maxBatches()),
                    "max_flows", String.valueOf(queue.maxFlows()), "attached", String.valueOf(sink != null)), healthSince);
        } finally {
            lock.unlock();
        }
    }

    /** @return batches delivered so far */
    long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }
}
