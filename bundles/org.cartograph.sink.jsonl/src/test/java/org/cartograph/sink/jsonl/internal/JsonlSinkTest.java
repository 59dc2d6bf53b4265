package org.cartograph.sink.jsonl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.SinkResult;
import org.cartograph.sink.SinkResult.Outcome;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class JsonlSinkTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonlSink sink;

    @AfterEach
    void deactivate() {
        if (sink != null) {
            sink.deactivate();
        }
    }

    @Test
    void writesTheBatchIntoANewDirectoryAndCountsIt() throws Exception {
        Path file = dir.resolve("a/b/flows.jsonl");
        sink = new JsonlSink(TestConfig.of(file.toString()));

        SinkResult result = await(sink.deliver(Batches.batch(1, List.of(Batches.flow(1), Batches.flow(2)),
                List.of(Batches.dns()))));

        assertEquals(SinkResult.success(), result);
        List<JsonNode> lines = read(file);
        assertEquals(List.of("conn", "conn", "dns"), lines.stream().map(l -> l.get("type").asText()).toList());
        assertEquals("jsonl", sink.name());
        ComponentStatus status = sink.status().get(0);
        assertEquals("sink.jsonl", status.component());
        assertEquals(Health.OK, status.health());
        assertEquals(3L, status.counters().get("lines_written"));
        assertEquals(1L, status.counters().get("batches_written"));
        assertEquals(0L, status.counters().get("errors"));
        assertEquals(file.toAbsolutePath().toString(), status.attributes().get("path"));
    }

    @Test
    void batchesAreAppendedInOrder() throws Exception {
        Path file = dir.resolve("flows.jsonl");
        sink = new JsonlSink(TestConfig.of(file.toString()));

        await(sink.deliver(Batches.batch(1, List.of(Batches.flow(1)), List.of())));
        await(sink.deliver(Batches.batch(2, List.of(Batches.flow(2)), List.of())));

        assertEquals(List.of(1L, 2L), read(file).stream().map(l -> l.get("batch").asLong()).toList());
    }

    @Test
    void anEmptyBatchWritesNothingAndSucceeds() throws Exception {
        Path file = dir.resolve("flows.jsonl");
        sink = new JsonlSink(TestConfig.of(file.toString()));

        SinkResult result = await(sink.deliver(Batches.batch(1, List.of(), List.of())));

        assertEquals(Outcome.SUCCESS, result.outcome());
        assertFalse(Files.exists(file));
        assertEquals(0L, sink.status().get(0).counters().get("batches_written"));
    }

    @Test
    void anUnwritablePathIsRetryableAndHealsOnceTheObstacleIsGone() throws Exception {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a regular file, not a directory");
        Path file = blocker.resolve("flows.jsonl");
        sink = new JsonlSink(TestConfig.of(file.toString()));
        FlowBatch batch = Batches.batch(3, List.of(Batches.flow(1)), List.of());

        SinkResult failed = await(sink.deliver(batch));

        assertEquals(Outcome.RETRYABLE_FAILURE, failed.outcome());
        assertTrue(failed.message().contains(file.toString()), failed.message());
        ComponentStatus degraded = sink.status().get(0);
        assertEquals(Health.DEGRADED, degraded.health());
        assertEquals(failed.message(), degraded.message());
        assertEquals(1L, degraded.counters().get("errors"));

        SinkResult again = await(sink.deliver(Batches.batch(4, List.of(Batches.flow(2)), List.of())));
        ComponentStatus stillDegraded = sink.status().get(0);
        assertEquals(Health.DEGRADED, stillDegraded.health());
        assertEquals(again.message(), stillDegraded.message(), "the message follows the last failure");
        assertEquals(degraded.since(), stillDegraded.since(), "the same health keeps its since");
        assertEquals(2L, stillDegraded.counters().get("errors"));

        Files.delete(blocker);
        SinkResult retried = await(sink.deliver(batch));

        assertEquals(Outcome.SUCCESS, retried.outcome());
        assertEquals(List.of(3L), read(file).stream().map(l -> l.get("batch").asLong()).toList());
        ComponentStatus healed = sink.status().get(0);
        assertEquals(Health.OK, healed.health());
        assertEquals("", healed.message());
        assertFalse(healed.since().isBefore(degraded.since()), "a new health starts a new since");
    }

    @Test
    void rotationBySizeKeepsMaxFilesAndTheNewestBatchInTheFile() throws Exception {
        Path file = dir.resolve("flows.jsonl");
        sink = new JsonlSink(new TestConfig(file.toString(), 1, 2));
        FlowBatch[] batches = new FlowBatch[5];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = Batches.batch(i + 1, overOneMegabyteOfFlows(), List.of());
        }

        for (FlowBatch batch : batches) {
            assertEquals(Outcome.SUCCESS, await(sink.deliver(batch)).outcome());
        }

        assertTrue(Files.size(dir.resolve("flows.jsonl.1")) >= 1024 * 1024, "a batch must exceed 1 MiB");
        assertEquals(5L, read(file).get(0).get("batch").asLong());
        assertEquals(4L, read(dir.resolve("flows.jsonl.1")).get(0).get("batch").asLong());
        assertEquals(3L, read(dir.resolve("flows.jsonl.2")).get(0).get("batch").asLong());
        assertFalse(Files.exists(dir.resolve("flows.jsonl.3")));
        assertEquals(4L, sink.status().get(0).counters().get("rotations"));
    }

    @Test
    void stdoutModeWritesToStandardOutput() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            sink = new JsonlSink(TestConfig.of("stdout"));
            SinkResult result = await(sink.deliver(Batches.batch(9, List.of(Batches.flow(1)), List.of())));

            assertEquals(Outcome.SUCCESS, result.outcome());
            String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
            assertEquals(1, lines.length);
            assertEquals(9, MAPPER.readTree(lines[0]).get("batch").asLong());
            assertEquals("stdout", sink.status().get(0).attributes().get("path"));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void dashAlsoMeansStandardOutput() {
        sink = new JsonlSink(TestConfig.of("-"));

        assertEquals("stdout", sink.status().get(0).attributes().get("path"));
    }

    @Test
    void deactivateFinishesThePendingBatchThenRefusesMore() throws Exception {
        Path file = dir.resolve("flows.jsonl");
        JsonlSink stopped = new JsonlSink(TestConfig.of(file.toString()));
        CompletionStage<SinkResult> pending = stopped.deliver(Batches.batch(1, overOneMegabyteOfFlows(), List.of()));

        stopped.deactivate();

        assertEquals(Outcome.SUCCESS, await(pending).outcome());
        assertEquals(1L, read(file).get(0).get("batch").asLong());
        SinkResult late = await(stopped.deliver(Batches.batch(2, List.of(Batches.flow(1)), List.of())));
        assertEquals(Outcome.RETRYABLE_FAILURE, late.outcome());
    }

    @Test
    void aMissingPathOrBadBoundIsRejectedAtActivation() {
        IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class,
                () -> new JsonlSink(TestConfig.of(" ")));
        IllegalArgumentException badSize = assertThrows(IllegalArgumentException.class,
                () -> new JsonlSink(new TestConfig(dir.resolve("f").toString(), 0, 5)));

        assertTrue(noPath.getMessage().contains("path"), noPath.getMessage());
        assertTrue(badSize.getMessage().contains("max.file.size.mb"), badSize.getMessage());
    }

    /** About 1.3 MiB of connection lines, so that a 1 MB limit rotates after every batch. */
    private static List<Flow> overOneMegabyteOfFlows() {
        List<Flow> flows = new ArrayList<>();
        for (int port = 1; port <= 2500; port++) {
            flows.add(Batches.flow(port));
        }
        return flows;
    }

    private static SinkResult await(CompletionStage<SinkResult> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(MAPPER.readTree(line));
        }
        return nodes;
    }
}
