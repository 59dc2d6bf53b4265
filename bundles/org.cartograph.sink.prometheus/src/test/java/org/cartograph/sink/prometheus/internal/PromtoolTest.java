package org.cartograph.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.event.NetworkEvent;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code promtool check metrics} (Debian package {@code prometheus}) accepts the exposition. */
class PromtoolTest {

    @Test
    void promtoolAcceptsTheTextExpositionWithoutLintFindings(@TempDir Path dir) throws Exception {
        PrometheusSink sink = new PrometheusSink(TestConfig.withLimit(3));
        try {
            sink.record(Batches.batch(1, List.of(
                    Batches.flow(40000, "10.0.0.2", "db", 100, 1000, 250, Map.of(111, 1L)),
                    Batches.flow(40001, "10.0.0.3", "cache", 1, 2, 900, Map.of()),
                    Batches.flow(40002, "10.0.0.4", "x", 1, 2, 900, Map.of()),
                    Batches.flow(40003, "10.0.0.5", "y\"quoted\\", 1, 2, 900, Map.of())),
                    List.of(Batches.dns("example.com"))));
            sink.onEvents(List.of(new NetworkEvent(Instant.EPOCH, "outage_suspected", "", "db", "outage", Map.of()),
                    new NetworkEvent(Instant.EPOCH, "new_dependency", "web", "db", "new", Map.of())));
            StatusContributor core = () -> List.of(
                    new ComponentStatus("pipeline", Health.OK, "", Map.of("interval_duration_ms", 12L), null, null),
                    new ComponentStatus("capture.ebpf", Health.OK, "", Map.of("dropped_ring", 0L), null,
                            Instant.EPOCH),
                    new ComponentStatus("sink.jsonl.queue", Health.OK, "", Map.of("dropped", 0L, "queued", 0L),
                            null, null));
            String text = Expositions.text(sink, new HealthMetrics(() -> List.of(core, sink)));
            Path out = dir.resolve("promtool.out");
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            try {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(text.getBytes(StandardCharsets.UTF_8));
                }
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
            } finally {
                p.destroyForcibly();
            }
            String report = Files.readString(out);
            assertEquals(0, p.exitValue(), "promtool check metrics: " + report + "\n" + text);
            assertTrue(text.contains("cartograph_network_sent_bytes_total"), text);
            assertEquals(1, Expositions.value(text, "cartograph_network_events_total", "kind=\"outage_suspected\""),
                    text);
        } finally {
            sink.deactivate();
        }
    }
}
