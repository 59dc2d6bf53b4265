package org.cartograph.kafka.internal.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.Await;
import org.cartograph.kafka.internal.Batches;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink over a fake transport: spooling, ordering, bounds and status. */
class KafkaSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void batchesAreSentInOrderOnceTheTransportComesBack() throws Exception {
        FakeTransport transport = new FakeTransport();
        transport.up(false);
        KafkaSink sink = new KafkaSink(config(100).get(), transport);
        try {
            for (int i = 1; i <= 6; i++) {
                assertEquals(SinkResult.success(), deliver(sink, Batches.batch("h" + i, i)));
            }
            Await.until(WAIT, () -> transport.attempts() >= 2, () -> "retried while down");
            ComponentStatus down = sink.status().getFirst();
            assertEquals(Health.DEGRADED, down.health());
            assertEquals("false", down.attributes().get("connected"));
            assertEquals(6L, down.counters().get("spool_batches"));
            transport.up(true);
            Await.until(WAIT, () -> sink.status().getFirst().counters().get("sent") == 6,
                    () -> "sent " + transport.sentKeys());
            assertEquals(List.of("h1", "h2", "h3", "h4", "h5", "h6"), transport.sentKeys());
            ComponentStatus up = sink.status().getFirst();
            assertEquals(Health.OK, up.health());
            assertEquals(0L, up.counters().get("spool_batches"));
            assertEquals(0L, up.counters().get("spool_bytes"));
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void beyondTheBoundTheOldestAreDroppedAndCounted() throws Exception {
        FakeTransport transport = new FakeTransport();
        transport.up(false);
        KafkaSink sink = new KafkaSink(config(3).get(), transport);
        try {
            for (int i = 1; i <= 8; i++) {
                deliver(sink, Batches.batch("h" + i, i));
            }
            ComponentStatus s = sink.status().getFirst();
            assertEquals(3L, s.counters().get("spool_batches"));
            assertEquals(5L, s.counters().get("dropped"));
            assertEquals(5L, s.counters().get("dropped_spool_full"));
            transport.up(true);
            Await.until(WAIT, () -> sink.status().getFirst().counters().get("sent") == 3,
                    () -> "sent " + transport.sentKeys());
            assertEquals(List.of("h6", "h7", "h8"), transport.sentKeys());
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void spooledBatchesSurviveARestartOfTheSink() throws Exception {
        FakeTransport down = new FakeTransport();
        down.up(false);
        KafkaSink first = new KafkaSink(config(100).get(), down);
        deliver(first, Batches.batch("h1", 1));
        deliver(first, Batches.batch("h2", 2));
        first.deactivate();

        FakeTransport up = new FakeTransport();
        KafkaSink second = new KafkaSink(config(100).get(), up);
        try {
            deliver(second, Batches.batch("h3", 3));
            Await.until(WAIT, () -> second.status().getFirst().counters().get("sent") == 3,
                    () -> "sent " + up.sentKeys());
            assertEquals(List.of("h1", "h2", "h3"), up.sentKeys());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void aRecordTheBrokersRefuseForGoodIsDroppedAndCounted() throws Exception {
        FakeTransport transport = new FakeTransport();
        transport.rejectKeysOfLength(5);
        KafkaSink sink = new KafkaSink(config(100).get(), transport);
        try {
            deliver(sink, Batches.batch("h1", 1));
            deliver(sink, Batches.batch("huge1", 2));
            deliver(sink, Batches.batch("h3", 3));
            Await.until(WAIT, () -> transport.sentKeys().size() == 2, () -> "sent " + transport.sentKeys());
            assertEquals(List.of("h1", "h3"), transport.sentKeys());
            Await.until(WAIT, () -> sink.status().getFirst().counters().get("dropped_rejected") == 1,
                    () -> "one rejected: " + sink.status());
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void deliverReturnsBeforeTheBatchIsSpooled() throws Exception {
        FakeTransport transport = new FakeTransport();
        KafkaSink sink = new KafkaSink(config(100).get(), transport);
        try {
            CompletableFuture<SinkResult> f = sink.deliver(Batches.batch("h1", 1)).toCompletableFuture();
            assertEquals(SinkResult.success(), f.get(5, TimeUnit.SECONDS));
            assertEquals("kafka", sink.name());
        } finally {
            sink.deactivate();
        }
        SinkResult after = deliver(sink, Batches.batch("h2", 2));
        assertEquals(SinkResult.Outcome.RETRYABLE_FAILURE, after.outcome(), "a stopped sink asks for a retry");
    }

    @Test
    void aBatchLargerThanARecordIsSentAsConsecutiveParts() throws Exception {
        FakeTransport transport = new FakeTransport();
        KafkaSink sink = new KafkaSink(config(100).withMaxRecordBytes(2048).get(), transport);
        try {
            deliver(sink, Batches.batch("small", 1));
            deliver(sink, Batches.big("big", 2, 60));
            deliver(sink, Batches.batch("small", 3));
            Await.until(WAIT, () -> sink.status().getFirst().counters().get("sent") == 3, () -> "3 sent");
            List<String> keys = transport.sentKeys();
            assertEquals("small", keys.getFirst());
            assertEquals("small", keys.getLast());
            assertEquals(keys.size() - 2, keys.subList(1, keys.size() - 1).stream().filter("big"::equals).count());
            assertEquals(true, keys.size() > 5, "the big batch went as several records: " + keys.size());
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void invalidSettingsAreRefused() {
        TestSinkConfig base = config(100);
        assertThrows(IllegalArgumentException.class, () -> new KafkaSink(base.with("bootstrap_servers", " ").get()));
        assertThrows(IllegalArgumentException.class, () -> new KafkaSink(base.with("bootstrap_servers", "x:9092")
                .with("compression", "brotli").get()));
        assertThrows(IllegalArgumentException.class, () -> new KafkaSink(base.withMaxRecordBytes(10).get(),
                new FakeTransport()));
    }

    private TestSinkConfig config(int maxBatches) {
        return TestSinkConfig.of("127.0.0.1:9", "t", dir.resolve("spool").toString()).withSpoolMaxBatches(maxBatches);
    }

    private static SinkResult deliver(KafkaSink sink, FlowBatch batch) throws Exception {
        return sink.deliver(batch).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
