package org.cartograph.sink.jsonl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.cartograph.event.NetworkEvent;
import org.cartograph.sink.SinkResult;
import org.cartograph.sink.SinkResult.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The sink as an {@code EventListener}: one {@code event} line per network event, written on the sink's thread. */
class JsonlEventsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-11-25T06:06:20Z");

    @TempDir
    Path dir;

    private JsonlSink sink;

    @AfterEach
    void deactivate() {
        if (sink != null) {
            sink.deactivate();
        }
    }

    private static NetworkEvent outage() {
        return new NetworkEvent(T, "outage_suspected", "", "cache",
                "outage suspected for cache: 27% of 60 connection attempts failed",
                Map.of("failures", "16", "failure_rate", "0.26666666666666666", "signal", "flow"));
    }

    private static NetworkEvent newDependency() {
        return new NetworkEvent(T, "new_dependency", "web", "payments", "new dependency web -> payments", Map.of());
    }

    @Test
    void eachEventIsOneLineThatParsesBackWithItsFields() throws Exception {
        Path file = dir.resolve("flows.jsonl");
        sink = new JsonlSink(TestConfig.of(file.toString()));

        sink.onEvents(List.of(outage(), newDependency()));
        drain(sink);

        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), lines.toString());
        JsonNode first = MAPPER.readTree(lines.get(0));
        assertEquals(List.of("type", "time", "kind", "source", "destination", "message", "evidence"),
                fieldNames(first));
        assertEquals("event", first.get("type").asText());
        assertEquals("2026-11-25T06:06:20Z", first.get("time").asText());
        assertEquals("outage_suspected", first.get("kind").asText());
        assertEquals("", first.get("source").asText());
        assertEquals("cache", first.get("destination").asText());
        assertEquals(outage().message(), first.get("message").asText());
        JsonNode evidence = first.get("evidence");
        assertEquals(List.of("failure_rate", "failures", "signal"), fieldNames(evidence), "sorted by name");
        assertTrue(evidence.get("failures").isTextual(), "evidence values are strings, as the analysis gives them");
        assertEquals("16", evidence.get("failures").asText());
        assertEquals("0.26666666666666666", evidence.get("failure_rate").asText());
        JsonNode second = MAPPER.readTree(lines.get(1));
        assertEquals("new_dependency", second.get("kind").asText());
        assertEquals("web", second.get("source").asText());
        assertEquals("payments", second.get("destination").asText());
        assertTrue(second.get("evidence").isObject() && second.get("evidence").isEmpty());
        Map<String, Long> counters = sink.status().get(0).counters();
        assertEquals(2L, counters.get("events_written"));
        assertEquals(2L, counters.get("lines_written"));
        assertEquals(0L, counters.get("batches_written"));
        assertEquals(0L, counters.get("events_dropped"));
    }

    @Test
    void eventsAndBatchesShareTheFileInArrivalOrder() throws Exception {
        Path file = dir.resolve("flows.jsonl");
        sink = new JsonlSink(TestConfig.of(file.toString()));

        await(sink.deliver(Batches.batch(1, List.of(Batches.flow(1)), List.of())));
        sink.onEvents(List.of(outage()));
        await(sink.deliver(Batches.batch(2, List.of(Batches.flow(2)), List.of())));

        List<String> types = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            types.add(MAPPER.readTree(line).get("type").asText());
        }
        assertEquals(List.of("conn", "event", "conn"), types);
        assertEquals(3L, sink.status().get(0).counters().get("lines_written"));
        assertEquals(1L, sink.status().get(0).counters().get("events_written"));
    }

    @Test
    void onEventsReturnsAtOnceWhileTheSinksThreadIsBusy() throws Exception {
        PrintStream original = System.out;
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                synchronized (captured) {
                    captured.write(b, off, len);
                }
            }
        };
        System.setOut(new PrintStream(stalled, false, StandardCharsets.UTF_8));
        try {
            sink = new JsonlSink(TestConfig.of("stdout"));
            CompletionStage<SinkResult> stuck = sink.deliver(Batches.batch(1, List.of(Batches.flow(1)), List.of()));
            assertTrue(writing.await(30, TimeUnit.SECONDS), "the sink's thread is writing the batch");

            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> sink.onEvents(List.of(outage())),
                    "onEvents must not wait for the sink's thread");
            assertEquals(0L, sink.status().get(0).counters().get("events_written"), "not written yet");

            release.countDown();
            assertEquals(Outcome.SUCCESS, await(stuck).outcome());
            drain(sink);
            String[] lines;
            synchronized (captured) {
                lines = captured.toString(StandardCharsets.UTF_8).split("\n");
            }
            assertEquals(2, lines.length);
            assertEquals("event", MAPPER.readTree(lines[1]).get("type").asText());
            assertEquals(1L, sink.status().get(0).counters().get("events_written"));
        } finally {
            release.countDown();
            System.setOut(original);
        }
    }

    @Test
    void eventsThatCannotBeWrittenAreDroppedAndCounted() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a regular file, not a directory");
        sink = new JsonlSink(TestConfig.of(blocker.resolve("flows.jsonl").toString()));

        sink.onEvents(List.of(outage(), newDependency()));
        drain(sink);

        Map<String, Long> counters = sink.status().get(0).counters();
        assertEquals(2L, counters.get("events_dropped"));
        assertEquals(0L, counters.get("events_written"));
        assertEquals(1L, counters.get("errors"));
        assertTrue(sink.status().get(0).message().contains("2 events"), sink.status().get(0).message());

        JsonlSink stopped = sink;
        sink = null;
        stopped.deactivate();
        stopped.onEvents(List.of(outage()));
        assertEquals(3L, stopped.status().get(0).counters().get("events_dropped"));
    }

    /** Waits until everything queued before is written: the sink's thread takes work in order. */
    private static void drain(JsonlSink sink) throws Exception {
        assertEquals(Outcome.SUCCESS, await(sink.deliver(Batches.batch(99, List.of(), List.of()))).outcome());
    }

    private static SinkResult await(CompletionStage<SinkResult> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            names.add(it.next());
        }
        return names;
    }
}
