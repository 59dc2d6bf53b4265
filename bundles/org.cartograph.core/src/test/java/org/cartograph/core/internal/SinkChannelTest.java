package org.cartograph.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.FlowSink;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.testkit.SyntheticBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SinkChannelTest {

    static final class TestSink implements FlowSink {
        final String name;
        final List<Long> got = new CopyOnWriteArrayList<>();
        final Function<FlowBatch, CompletionStage<SinkResult>> behaviour;

        TestSink(String name, Function<FlowBatch, CompletionStage<SinkResult>> behaviour) {
            this.name = name;
            this.behaviour = behaviour;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CompletionStage<SinkResult> deliver(FlowBatch batch) {
            CompletionStage<SinkResult> r = behaviour.apply(batch);
            r.thenAccept(res -> {
                if (res.outcome() == SinkResult.Outcome.SUCCESS) {
                    got.add(batch.sequence());
                }
            });
            return r;
        }
    }

    static FlowBatch batch(long seq) {
        return new FlowBatch(seq, "h", Instant.EPOCH, Duration.ofSeconds(1), List.of(), List.of());
    }

    /** A batch of {@code flows} flows. */
    static FlowBatch batch(long seq, int flows) {
        return new FlowBatch(seq, "h", Instant.EPOCH, Duration.ofSeconds(1),
                SyntheticBatches.batch(flows, 1, "service").flows(), List.of(), false);
    }

    static void await(String what, BooleanSupplier c) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    static long counter(SinkChannel ch, String name) {
        ComponentStatus s = ch.status();
        return s.counters().get(name);
    }

    static long counterOf(SinkDispatcher d, String component, String name) {
        return d.status().stream().filter(s -> s.component().equals(component)).findFirst()
                .map(s -> s.counters().get(name)).orElse(-1L);
    }

    final List<SinkChannel> channels = new CopyOnWriteArrayList<>();

    SinkChannel channel(String name, int capacity) {
        return channel(name, capacity, Long.MAX_VALUE, Duration.ZERO);
    }

    SinkChannel channel(String name, int capacity, long maxFlows, Duration maxBlock) {
        SinkChannel ch = new SinkChannel(name, capacity, maxFlows, maxBlock, Duration.ofSeconds(5), Duration.ofMillis(400));
        channels.add(ch);
        return ch;
    }

    @AfterEach
    void close() {
        channels.forEach(SinkChannel::close);
    }

    @Test
    void aStuckSinkNeverHoldsBackAnotherAndItsDropsAreCounted() {
        CompletableFuture<SinkResult> never = new CompletableFuture<>();
        TestSink stuck = new TestSink("stuck", b -> never);
        TestSink fast = new TestSink("fast", b -> CompletableFuture.completedFuture(SinkResult.success()));
        SinkChannel a = channel("stuck", 4);
        SinkChannel b = channel("fast", 4);
        a.attach(stuck);
        b.attach(fast);
        for (long i = 1; i <= 20; i++) {
            a.offer(batch(i), null);
            b.offer(batch(i), null);
            long want = i;
            await("fast sink got batch " + i, () -> fast.got.size() == want);
        }
        assertEquals(20, fast.got.size());
        // 20 offered to the stuck one: 4 fit in its queue (the head being in flight), the rest dropped oldest-first
        assertEquals(16, counter(a, "dropped_queue_full"));
        assertEquals(4, counter(a, "queued"));
        assertEquals(0, counter(b, "dropped"));
    }

    @Test
    void retryableFailuresAreRetriedWithBackoffUntilDelivered() {
        AtomicInteger calls = new AtomicInteger();
        TestSink flaky = new TestSink("flaky", b -> CompletableFuture.completedFuture(
                calls.incrementAndGet() <= 2 ? SinkResult.retry("broker away") : SinkResult.success()));
        SinkChannel ch = channel("flaky", 8);
        ch.attach(flaky);
        ch.offer(batch(1), null);
        ch.offer(batch(2), null);
        await("both delivered", () -> flaky.got.size() == 2);
        assertEquals(List.of(1L, 2L), flaky.got, "order kept across retries");
        assertEquals(2, counter(ch, "retries"));
        assertEquals(0, counter(ch, "dropped"));
    }

    @Test
    void aThrowingSinkIsRetriedAPermanentFailureIsDroppedAndCounted() {
        AtomicInteger calls = new AtomicInteger();
        TestSink sink = new TestSink("odd", b -> {
            if (b.sequence() == 1 && calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return CompletableFuture.completedFuture(b.sequence() == 2 ? SinkResult.reject("too large") : SinkResult.success());
        });
        SinkChannel ch = channel("odd", 8);
        ch.attach(sink);
        ch.offer(batch(1), null);
        ch.offer(batch(2), null);
        ch.offer(batch(3), null);
        await("1 and 3 delivered", () -> sink.got.size() == 2);
        assertEquals(List.of(1L, 3L), sink.got);
        assertEquals(1, counter(ch, "dropped_rejected"));
        assertEquals(1, counter(ch, "retries"));
    }

    @Test
    void aReplacementSinkReceivesWhatWasQueuedDuringTheSwap() {
        CompletableFuture<SinkResult> hang = new CompletableFuture<>();
        TestSink old = new TestSink("jsonl", b -> b.sequence() >= 3 ? hang : CompletableFuture.completedFuture(SinkResult.success()));
        SinkChannel ch = channel("jsonl", 16);
        ch.attach(old);
        for (long i = 1; i <= 5; i++) {
            ch.offer(batch(i), null);
        }
        await("old got 1 and 2", () -> old.got.size() == 2);
        ch.detach(old);
        hang.complete(SinkResult.retry("sink stopping"));
        ch.offer(batch(6), null);
        TestSink fresh = new TestSink("jsonl", b -> CompletableFuture.completedFuture(SinkResult.success()));
        ch.attach(fresh);
        await("new got 3..6", () -> fresh.got.size() == 4);
        assertEquals(List.of(3L, 4L, 5L, 6L), fresh.got);
        assertEquals(0, counter(ch, "dropped"));
        assertEquals(1, counter(ch, "swaps"));
    }

    @Test
    void withoutAReplacementInTheGracePeriodQueuedBatchesAreCountedAsDropped() {
        SinkChannel ch = channel("gone", 16);
        TestSink s = new TestSink("gone", b -> new CompletableFuture<>());
        ch.attach(s);
        ch.offer(batch(1), null);
        ch.detach(s);
        ch.offer(batch(2), null);
        ch.offer(batch(3), null);
        assertTrue(!ch.expireIfAbandoned(Instant.now(), Duration.ofSeconds(60)), "still in grace");
        assertTrue(ch.expireIfAbandoned(Instant.now().plusSeconds(61), Duration.ofSeconds(60)));
        assertEquals(3, counter(ch, "dropped_no_sink"));
        assertEquals(0, counter(ch, "queued"));
    }

    @Test
    void aSlowHealthySinkMakesThePublisherWaitSoABurstIsDeliveredNotDropped() {
        TestSink slow = new TestSink("slow", b -> CompletableFuture.supplyAsync(SinkResult::success,
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)));
        SinkChannel ch = channel("slow", 64, 10, Duration.ofSeconds(10));
        ch.attach(slow);
        long mostQueued = 0;
        for (long i = 1; i <= 12; i++) {
            ch.offer(batch(i, 5), null);
            mostQueued = Math.max(mostQueued, counter(ch, "queued_flows"));
        }
        await("all delivered", () -> slow.got.size() == 12);
        assertEquals(0, counter(ch, "dropped"), "a burst to a healthy sink is delivered");
        assertTrue(counter(ch, "publisher_waits") > 0, "the publisher waited for room");
        assertTrue(mostQueued <= 10, "never more than 10 flows queued, saw " + mostQueued);
    }

    @Test
    void aStuckSinkCostsThePublisherOneWaitThenItsOldestBatchesAreDropped() {
        TestSink stuck = new TestSink("stuck", b -> new CompletableFuture<>());
        SinkChannel ch = channel("stuck", 64, 10, Duration.ofMillis(200));
        ch.attach(stuck);
        for (long i = 1; i <= 6; i++) {
            ch.offer(batch(i, 5), null);
        }
        assertEquals(1, counter(ch, "publisher_waits"), "after one wait in vain, no more waits");
        assertEquals(4, counter(ch, "dropped_queue_full"));
        assertEquals(10, counter(ch, "queued_flows"));
    }

    @Test
    void aFailingSinkNeverMakesThePublisherWait() {
        TestSink failing = new TestSink("failing", b -> CompletableFuture.completedFuture(SinkResult.retry("down")));
        SinkChannel ch = channel("failing", 64, 10, Duration.ofSeconds(30));
        ch.attach(failing);
        ch.offer(batch(1, 5), null);
        await("first failure seen", () -> counter(ch, "retries") > 0);
        for (long i = 2; i <= 5; i++) {
            ch.offer(batch(i, 5), null);
        }
        assertEquals(0, counter(ch, "publisher_waits"));
        assertEquals(3, counter(ch, "dropped_queue_full"));
    }
}
