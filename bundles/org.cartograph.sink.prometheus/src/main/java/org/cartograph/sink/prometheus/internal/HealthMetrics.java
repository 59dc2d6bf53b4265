package org.cartograph.sink.prometheus.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Cartograph's own health as gauges, read at scrape time from every {@link StatusContributor}:
 * <ul>
 * <li>{@code cartograph_component_health{component,state}}: 1 for the component's current state,
 *     0 for the others (OK, STARTING, DEGRADED, DOWN);</li>
 * <li>{@code cartograph_component_status{component,name}}: every status counter as reported;</li>
 * <li>{@code cartograph_capture_dropped{component}}: the sum of a capture backend's
 *     {@code dropped*} counters;</li>
 * <li>{@code cartograph_sink_dropped{sink}} and {@code cartograph_sink_queued{sink}}: from the
 *     core's per-sink queues ({@code sink.NAME.queue});</li>
 * <li>{@code cartograph_interval_duration_seconds}: how long the pipeline's last interval took.</li>
 * </ul>
 * Thread-safe: holds nothing but the supplier. A contributor that throws is skipped.
 */
final class HealthMetrics {

    private final Supplier<? extends Iterable<StatusContributor>> contributors;

    /** @param contributors the status contributors present at each call */
    HealthMetrics(Supplier<? extends Iterable<StatusContributor>> contributors) {
        this.contributors = contributors;
    }

    /** @return the gauges, one snapshot per metric family that has data */
    List<MetricSnapshot> collect() {
        Map<String, ComponentStatus> byComponent = new LinkedHashMap<>();
        for (StatusContributor c : contributors.get()) {
            try {
                c.status().forEach(s -> byComponent.putIfAbsent(s.component(), s));
            } catch (RuntimeException e) {
                continue;
            }
        }
        GaugeSnapshot.Builder health = gauge("cartograph_component_health",
                "1 for the component's current health state, 0 for the others", null);
        GaugeSnapshot.Builder status = gauge("cartograph_component_status",
                "A component's status counters, as /status reports them", null);
        GaugeSnapshot.Builder captureDropped = gauge("cartograph_capture_dropped",
                "Connections or events a capture backend dropped since it started, all causes", null);
        GaugeSnapshot.Builder sinkDropped = gauge("cartograph_sink_dropped",
                "Batches the core dropped for a sink since the agent started (queue full, rejected, no sink)", null);
        GaugeSnapshot.Builder sinkQueued = gauge("cartograph_sink_queued", "Batches waiting in a sink's queue",
                null);
        GaugeSnapshot.Builder interval = gauge("cartograph_interval_duration_seconds",
                "How long the pipeline took to build its last batch", Unit.SECONDS);
        boolean anyCapture = false;
        boolean anySink = false;
        boolean anyInterval = false;
        for (ComponentStatus s : byComponent.values()) {
            String c = s.component();
            for (Health h : Health.values()) {
                health.dataPoint(point(h == s.health() ? 1 : 0, "component", c, "state", h.name()));
            }
            long dropped = 0;
            for (Map.Entry<String, Long> e : s.counters().entrySet()) {
                status.dataPoint(point(e.getValue(), "component", c, "name", e.getKey()));
                if (e.getKey().startsWith("dropped")) {
                    dropped += e.getValue();
                }
            }
            if (c.startsWith("capture.")) {
                captureDropped.dataPoint(point(dropped, "component", c));
                anyCapture = true;
            } else if (c.startsWith("sink.") && c.endsWith(".queue")) {
                String sink = c.substring("sink.".length(), c.length() - ".queue".length());
                sinkDropped.dataPoint(point(s.counters().getOrDefault("dropped", 0L), "sink", sink));
                sinkQueued.dataPoint(point(s.counters().getOrDefault("queued", 0L), "sink", sink));
                anySink = true;
            } else if (c.equals("pipeline") && s.counters().containsKey("interval_duration_ms")) {
                interval.dataPoint(point(s.counters().get("interval_duration_ms") / 1000.0));
                anyInterval = true;
            }
        }
        List<MetricSnapshot> out = new ArrayList<>(6);
        if (!byComponent.isEmpty()) {
            out.add(health.build());
            out.add(status.build());
        }
        if (anyCapture) {
            out.add(captureDropped.build());
        }
        if (anySink) {
            out.add(sinkDropped.build());
            out.add(sinkQueued.build());
        }
        if (anyInterval) {
            out.add(interval.build());
        }
        return out;
    }

    private static GaugeSnapshot.Builder gauge(String name, String help, Unit unit) {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        return unit == null ? b : b.unit(unit);
    }

    private static GaugeDataPointSnapshot point(double value, String... labels) {
        return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
    }
}
