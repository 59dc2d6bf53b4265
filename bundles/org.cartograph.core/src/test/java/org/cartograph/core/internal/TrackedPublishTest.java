package org.cartograph.core.internal;

import static org.cartograph.core.internal.SinkChannelTest.await;
import static org.cartograph.core.internal.SinkChannelTest.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.cartograph.core.internal.SinkChannelTest.TestSink;
import org.cartograph.sink.SinkResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code publishTracked}: the stage completes only when every sink queue is done with the batch. */
class TrackedPublishTest {

    private final SinkDispatcher dispatcher = new SinkDispatcher(config(4));

    @AfterEach
    void stop() {
        dispatcher.deactivate();
    }

    @Test
    void completesOnlyOnceEverySinkHasTheBatch() {
        CompletableFuture<SinkResult> slow = new CompletableFuture<>();
        TestSink fast = new TestSink("fast", b -> CompletableFuture.completedFuture(SinkResult.success()));
        TestSink lagging = new TestSink("slow", b -> slow);
        dispatcher.addSink(fast);
        dispatcher.addSink(lagging);
        CompletableFuture<Void> done = dispatcher.publishTracked(batch(1)).toCompletableFuture();
        await("fast sink got it", () -> fast.got.size() == 1);
        assertFalse(done.isDone(), "the slow sink still holds the batch");
        slow.complete(SinkResult.success());
        await("tracked batch done", done::isDone);
        assertEquals(1, lagging.got.size());
    }

    @Test
    void aRetriedBatchKeepsItsStagePendingAndADroppedOneCompletesIt() {
        TestSink failing = new TestSink("down", b -> CompletableFuture.completedFuture(SinkResult.retry("peer down")));
        dispatcher.addSink(failing);
        CompletableFuture<Void> first = dispatcher.publishTracked(batch(1)).toCompletableFuture();
        await("a retry happened", () -> SinkChannelTest.counterOf(dispatcher, "sink.down.queue", "retries") > 0);
        assertFalse(first.isDone(), "still being retried");
        for (long s = 2; s <= 5; s++) {
            dispatcher.publishTracked(batch(s));
        }
        await("pushed out of the full queue", first::isDone);
        assertEquals(1, SinkChannelTest.counterOf(dispatcher, "sink.down.queue", "dropped_queue_full"));
    }

    @Test
    void withoutSinksTheStageIsCompleteAndAGoneSinkReleasesItsBatchesAfterTheGrace() {
        assertTrue(dispatcher.publishTracked(batch(1)).toCompletableFuture().isDone());
        TestSink hanging = new TestSink("gone", b -> new CompletableFuture<>());
        dispatcher.addSink(hanging);
        CompletionStage<Void> stage = dispatcher.publishTracked(batch(2));
        dispatcher.removeSink(hanging);
        assertFalse(stage.toCompletableFuture().isDone());
        dispatcher.expireAt(Instant.now().plusSeconds(3_600));
        assertTrue(stage.toCompletableFuture().isDone());
    }

    private static SinkConfig config(int capacity) {
        return new SinkConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SinkConfig.class;
            }

            @Override
            public int queue_capacity() {
                return capacity;
            }

            @Override
            public int queue_max_flows() {
                return 40_000;
            }

            @Override
            public int max_block_millis() {
                return 0;
            }

            @Override
            public int swap_grace_seconds() {
                return 30;
            }

            @Override
            public int delivery_timeout_seconds() {
                return 5;
            }

            @Override
            public int max_backoff_seconds() {
                return 1;
            }
        };
    }
}
