package org.cartograph.sink.prometheus.internal;

import static org.cartograph.sink.prometheus.internal.Expositions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.event.NetworkEvent;
import org.cartograph.sink.SinkResult;
import org.cartograph.flow.FlowBatch;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrometheusSinkTest {

    private PrometheusSink sink;

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.deactivate();
        }
    }

    @Test
    void flowsAreSummedPerLabelSet() throws Exception {
        sink = new PrometheusSink(TestConfig.defaults());
        SinkResult r = sink.deliver(Batches.batch(1, List.of(
                Batches.flow(40000, "10.0.0.2", "db", 100, 1000, 250, Map.of()),
                Batches.flow(40001, "10.0.0.3", "db", 200, 2000, 3000, Map.of(111, 2L, 104, 1L)),
                Batches.flow(40002, "10.0.0.9", null, 7, 0, 0, Map.of())), List.of()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(SinkResult.Outcome.SUCCESS, r.outcome());
        sink.record(Batches.batch(2, List.of(Batches.flow(40000, "10.0.0.2", "db", 5, 0, 0, Map.of())), List.of()));

        String text = Expositions.text(sink, null);
        String db = "destination_service=\"db\"";
        assertEquals(305, value(text, "cartograph_network_sent_bytes_total", db, "source_container=\"web\""));
        assertEquals(3000, value(text, "cartograph_network_received_bytes_total", db));
        assertEquals(7, value(text, "cartograph_network_sent_bytes_total", "destination_service=\"10.0.0.9\""));
        assertEquals(6, value(text, "cartograph_network_sent_packets_total", db));
        assertEquals(3, value(text, "cartograph_tcp_retransmits_total", db));
        assertEquals(3, value(text, "cartograph_tcp_established_total", db));
        assertEquals(2, value(text, "cartograph_tcp_failures_total", db, "cause=\"refused\""));
        assertEquals(1, value(text, "cartograph_tcp_failures_total", db, "cause=\"reset\""));
        assertEquals(2, value(text, "cartograph_tcp_rtt_seconds_count", db));
        assertEquals(1, value(text, "cartograph_tcp_rtt_seconds_bucket", db, "le=\"0.001\""));
        assertEquals(2, value(text, "cartograph_tcp_rtt_seconds_bucket", db, "le=\"0.005\""));
        assertEquals(2, value(text, "cartograph_prometheus_batches_total"));
        assertFalse(text.contains("40000"), "no port in any label");
    }

    @Test
    void withoutLabelsEverythingIsOneSeries() {
        sink = new PrometheusSink(new TestConfig(new String[0], 10, 900, false));
        sink.record(Batches.batch(1, List.of(Batches.flow(40000, "10.0.0.2", "db", 5, 0, 0, Map.of()),
                Batches.flow(40001, "10.0.0.3", "x", 6, 0, 0, Map.of())), List.of()));
        String text = Expositions.text(sink, null);
        assertEquals(11, value(text, "cartograph_network_sent_bytes_total"));
        assertEquals(0, value(text, "cartograph_prometheus_series_overflow_total", "family=\"connections\""));
    }

    @Test
    void dnsStatisticsBecomeQueriesResponsesTimeoutsAndLatency() {
        sink = new PrometheusSink(TestConfig.defaults());
        sink.record(Batches.batch(1, List.of(), List.of(Batches.dns("example.com"), Batches.dns("example.org"))));
        String text = Expositions.text(sink, null);
        String server = "dns_server=\"10.0.0.53\"";
        assertEquals(6, value(text, "cartograph_dns_queries_total", server, "query_type=\"A\""));
        assertEquals(2, value(text, "cartograph_dns_timeouts_total", server));
        assertEquals(4, value(text, "cartograph_dns_responses_total", server, "rcode=\"NOERROR\""));
        assertEquals(2, value(text, "cartograph_dns_responses_total", server, "rcode=\"NXDOMAIN\""));
        String ok = "outcome=\"success\"";
        String failed = "outcome=\"failure\"";
        assertEquals(0.001, value(text, "cartograph_dns_response_time_seconds_total", server, ok), 1e-9);
        assertEquals(0.0008, value(text, "cartograph_dns_response_time_seconds_total", server, failed), 1e-9);
        assertEquals(0.0002, value(text, "cartograph_dns_response_time_p50_seconds", server, ok), 1e-9);
        assertEquals(0.0003, value(text, "cartograph_dns_response_time_p99_seconds", server, ok), 1e-9);
        assertEquals(0.0004, value(text, "cartograph_dns_response_time_p99_seconds", server, failed), 1e-9);
        assertFalse(text.contains("outcome=\"unknown\""), text);
        assertFalse(text.contains("example.com"), "no domain label unless configured");
    }

    @Test
    void dnsStatisticsWithoutTheOutcomeSplitKeepTheirLatencyUnderUnknown() {
        sink = new PrometheusSink(TestConfig.defaults());
        sink.record(Batches.batch(1, List.of(), List.of(Batches.dnsWithoutSplit("example.com"))));
        String text = Expositions.text(sink, null);
        String unknown = "outcome=\"unknown\"";
        assertEquals(0.0009, value(text, "cartograph_dns_response_time_seconds_total", unknown), 1e-9);
        assertEquals(0.0005, value(text, "cartograph_dns_response_time_p99_seconds", unknown), 1e-9);
        assertFalse(text.contains("outcome=\"success\""), text);
    }

    @Test
    void theSeriesCapAndItsOverflowAreVisible() {
        sink = new PrometheusSink(TestConfig.withLimit(2));
        sink.record(Batches.batch(1, List.of(
                Batches.flow(40000, "10.0.0.2", "a", 1, 0, 0, Map.of()),
                Batches.flow(40001, "10.0.0.3", "b", 2, 0, 0, Map.of()),
                Batches.flow(40002, "10.0.0.4", "c", 4, 0, 0, Map.of()),
                Batches.flow(40003, "10.0.0.5", "d", 8, 0, 0, Map.of())), List.of()));
        String text = Expositions.text(sink, null);
        assertEquals(12, value(text, "cartograph_network_sent_bytes_total", "destination_service=\"other\"",
                "source_service=\"other\""));
        assertEquals(2, value(text, "cartograph_prometheus_series_overflow_total", "family=\"connections\""));
        assertEquals(2, value(text, "cartograph_prometheus_series_limit"));
        assertEquals(3, value(text, "cartograph_prometheus_series", "family=\"connections\""));
        ComponentStatus s = sink.status().getFirst();
        assertEquals(Health.DEGRADED, s.health());
        assertTrue(s.message().contains("series limit 2"), s.message());
        assertEquals(2L, s.counters().get("series_overflow"));

        sink.record(Batches.batch(2, List.of(Batches.flow(40004, "10.0.0.6", "e", 1, 0, 0, Map.of())), List.of()));
        ComponentStatus still = sink.status().getFirst();
        assertEquals(Health.DEGRADED, still.health());
        assertTrue(still.message().contains("reached: 1 records"), still.message());
        assertEquals(s.since(), still.since(), "the same health keeps its since");

        sink.record(Batches.batch(3, List.of(Batches.flow(40000, "10.0.0.2", "a", 1, 0, 0, Map.of())), List.of()));
        ComponentStatus healed = sink.status().getFirst();
        assertEquals(Health.OK, healed.health(), "a batch within the cap heals");
        assertEquals("", healed.message());
    }

    @Test
    void healthIsJudgedOncePerIntervalNotPerBatch() {
        sink = new PrometheusSink(TestConfig.withLimit(2));
        sink.record(Batches.batch(1, List.of(
                Batches.flow(40000, "10.0.0.2", "a", 1, 0, 0, Map.of()),
                Batches.flow(40001, "10.0.0.3", "b", 2, 0, 0, Map.of()),
                Batches.flow(40002, "10.0.0.4", "c", 4, 0, 0, Map.of())), List.of()));
        assertEquals(Health.DEGRADED, sink.status().getFirst().health());
        FlowBatch first = Batches.batch(2, List.of(Batches.flow(40003, "10.0.0.5", "d", 8, 0, 0, Map.of())), List.of());
        FlowBatch last = Batches.batch(3, List.of(Batches.flow(40000, "10.0.0.2", "a", 1, 0, 0, Map.of())), List.of());
        sink.record(new FlowBatch(first.sequence(), first.host(), first.time(), first.interval(), first.flows(),
                first.dns(), false));
        sink.record(new FlowBatch(last.sequence(), last.host(), first.time(), last.interval(), last.flows(),
                last.dns(), true));
        ComponentStatus s = sink.status().getFirst();
        assertEquals(Health.DEGRADED, s.health(), "the interval overflowed in its first batch, not in its last");
        assertTrue(s.message().contains("reached: 1 records of the last interval"), s.message());
    }

    @Test
    void idleLabelSetsAreRemovedFromTheExposition() {
        sink = new PrometheusSink(new TestConfig(TestConfig.DEFAULT_LABELS, 100, 60, false));
        sink.record(Batches.batch(1, List.of(Batches.flow(40000, "10.0.0.2", "gone", 1, 0, 0, Map.of(104, 1L))),
                List.of()));
        sink.record(Batches.batch(10, List.of(Batches.flow(40000, "10.0.0.2", "kept", 1, 0, 0, Map.of())),
                List.of()));
        String text = Expositions.text(sink, null);
        assertFalse(text.contains("\"gone\""), text);
        assertEquals(1, value(text, "cartograph_network_sent_bytes_total", "destination_service=\"kept\""));
        assertEquals(1L, sink.status().getFirst().counters().get("series_expired"));
    }

    @Test
    void healthGaugesComeFromEveryStatusContributor() {
        sink = new PrometheusSink(TestConfig.defaults());
        StatusContributor core = () -> List.of(
                new ComponentStatus("pipeline", Health.OK, "", Map.of("interval_duration_ms", 250L), null, null),
                new ComponentStatus("capture.ebpf", Health.DEGRADED, "", Map.of("dropped_closed_buffer_full", 3L,
                        "dropped_ring", 4L, "tracked", 10L), null, Instant.EPOCH),
                new ComponentStatus("sink.jsonl.queue", Health.OK, "", Map.of("dropped", 5L, "queued", 1L), null,
                        null));
        StatusContributor broken = () -> {
            throw new IllegalStateException("boom");
        };
        String text = Expositions.text(sink, new HealthMetrics(() -> List.of(core, broken, sink)));
        assertEquals(0.25, value(text, "cartograph_interval_duration_seconds"));
        assertEquals(7, value(text, "cartograph_capture_dropped", "component=\"capture.ebpf\""));
        assertEquals(5, value(text, "cartograph_sink_dropped", "sink=\"jsonl\""));
        assertEquals(1, value(text, "cartograph_sink_queued", "sink=\"jsonl\""));
        assertEquals(1, value(text, "cartograph_component_health", "component=\"capture.ebpf\"",
                "state=\"DEGRADED\""));
        assertEquals(0, value(text, "cartograph_component_health", "component=\"capture.ebpf\"", "state=\"OK\""));
        assertEquals(10, value(text, "cartograph_component_status", "component=\"capture.ebpf\"",
                "name=\"tracked\""));
        assertEquals(1, value(text, "cartograph_component_health", "component=\"sink.prometheus\"",
                "state=\"OK\""));
    }

    @Test
    void openMetricsIsServedWhenAskedFor() {
        sink = new PrometheusSink(TestConfig.defaults());
        sink.record(Batches.batch(1, List.of(Batches.flow(40000, "10.0.0.2", "db", 9, 0, 0, Map.of())), List.of()));
        Exposition e = new Exposition();
        Exposition.Rendered om = e.render("application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
                sink.scrape());
        assertTrue(om.contentType().startsWith("application/openmetrics-text"), om.contentType());
        String text = new String(om.body(), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("# EOF\n"), text);
        assertTrue(text.contains("# UNIT cartograph_network_sent_bytes bytes"), text);
        Exposition.Rendered plain = e.render("text/plain", sink.scrape());
        assertTrue(plain.contentType().startsWith("text/plain; version=0.0.4"), plain.contentType());
    }

    @Test
    void networkEventsAreCountedByKind() {
        sink = new PrometheusSink(TestConfig.defaults());
        String before = Expositions.text(sink, null);
        assertEquals(0, value(before, "cartograph_network_events_total", "kind=\"outage_suspected\""),
                "known kinds are exported from the start");

        Instant t = Instant.parse("2026-11-25T06:06:20Z");
        sink.onEvents(List.of(new NetworkEvent(t, "new_dependency", "web", "payments", "new", Map.of()),
                new NetworkEvent(t, "outage_suspected", "", "cache", "outage", Map.of("failures", "16"))));
        sink.onEvents(List.of(new NetworkEvent(t.plusSeconds(10), "outage_suspected", "", "db", "outage", Map.of()),
                new NetworkEvent(t.plusSeconds(10), "latency_jump", "", "db", "slower", Map.of())));

        String text = Expositions.text(sink, null);
        assertTrue(text.contains("# TYPE cartograph_network_events_total counter"), text);
        assertEquals(2, value(text, "cartograph_network_events_total", "kind=\"outage_suspected\""));
        assertEquals(1, value(text, "cartograph_network_events_total", "kind=\"new_dependency\""));
        assertEquals(0, value(text, "cartograph_network_events_total", "kind=\"dependency_stopped\""));
        assertEquals(1, value(text, "cartograph_network_events_total", "kind=\"latency_jump\""));
        assertFalse(text.contains("cache"), "no destination label: kinds only");
        assertEquals(4L, sink.status().getFirst().counters().get("events"));
    }

    @Test
    void afterDeactivationDeliveryIsRetryable() throws Exception {
        PrometheusSink stopped = new PrometheusSink(TestConfig.defaults());
        stopped.deactivate();
        SinkResult r = stopped.deliver(Batches.batch(1, List.of(), List.of())).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals(SinkResult.Outcome.RETRYABLE_FAILURE, r.outcome());
    }
}
