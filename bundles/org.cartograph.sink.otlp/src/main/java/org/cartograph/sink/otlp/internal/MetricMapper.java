package org.cartograph.sink.otlp.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.data.SummaryData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;

/**
 * Turns an interval ({@link IntervalSums}, the sum of its batches) into OpenTelemetry metrics with
 * delta temporality over the interval: flows are summed per resource ({@link Resources}) and point
 * attributes ({@link Edge}); DNS statistics per server, domain and query type on the host's
 * resource. Not thread-safe (the sink's thread).
 */
final class MetricMapper {

    /** The instrumentation scope of every metric. */
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("org.cartograph.sink.otlp");

    private static final AttributeKey<String> IO_DIRECTION = AttributeKey.stringKey("network.io.direction");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("cartograph.dns.outcome");

    private static final Map<String, String> UNITS = Map.of("cartograph.network.io", "By",
            "cartograph.network.packet.count", "{packet}", "cartograph.tcp.retransmits", "{segment}",
            "cartograph.tcp.connection.established", "{connection}", "cartograph.tcp.connection.closed",
            "{connection}", "cartograph.tcp.connection.failures", "{failure}", "cartograph.dns.queries", "{query}",
            "cartograph.dns.timeouts", "{query}", "cartograph.dns.responses", "{response}");

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "cartograph.network.io", "Application payload bytes, by network.io.direction",
            "cartograph.network.packet.count", "TCP segments or UDP datagrams, by network.io.direction",
            "cartograph.tcp.retransmits", "TCP segments retransmitted",
            "cartograph.tcp.connection.established", "TCP connections that reached ESTABLISHED",
            "cartograph.tcp.connection.closed", "TCP connections closed",
            "cartograph.tcp.connection.failures", "TCP connection failures, by error.type",
            "cartograph.dns.queries", "DNS queries sent",
            "cartograph.dns.timeouts", "DNS queries that got no answer in time",
            "cartograph.dns.responses", "DNS answers, by cartograph.dns.rcode");

    private final Resources resources = new Resources();

    /**
     * The metrics of one batch taken as a whole interval.
     *
     * @param batch a batch
     * @return its metrics; empty when the batch has neither flows nor DNS statistics
     */
    List<MetricData> map(FlowBatch batch) {
        IntervalSums sums = new IntervalSums(batch);
        add(sums, batch);
        return map(sums);
    }

    /**
     * Adds a batch's flows to the sums of their edges and keeps its DNS statistics.
     *
     * @param sums  the sums of the batch's interval
     * @param batch a batch of that interval
     */
    void add(IntervalSums sums, FlowBatch batch) {
        for (Flow f : batch.flows()) {
            Resource r = resources.of(batch.host(), f.localTags());
            sums.edges.computeIfAbsent(Edge.Key.of(r, f), k -> new Edge()).add(f);
        }
        sums.dns.addAll(batch.dns());
        sums.batches++;
    }

    /**
     * @param sums the sums of an interval
     * @return its metrics, one point per series over the interval; empty when it has neither flows
     *         nor DNS statistics
     */
    List<MetricData> map(IntervalSums sums) {
        long end = sums.endNanos();
        long start = sums.startNanos();
        List<MetricData> out = new ArrayList<>(16);
        if (!sums.edges.isEmpty()) {
            flowMetrics(sums.edges, start, end, out);
        }
        if (!sums.dns.isEmpty()) {
            dnsMetrics(resources.of(sums.host, TagSet.EMPTY), sums.dns, start, end, out);
        }
        return out;
    }

    private static void flowMetrics(Map<Edge.Key, Edge> edges, long start, long end, List<MetricData> out) {
        Map<Resource, Map<String, List<LongPointData>>> sums = new LinkedHashMap<>();
        Map<Resource, List<HistogramPointData>> rtts = new LinkedHashMap<>();
        for (Map.Entry<Edge.Key, Edge> e : edges.entrySet()) {
            Resource r = e.getKey().resource();
            Attributes a = e.getKey().attributes();
            Edge g = e.getValue();
            Map<String, List<LongPointData>> m = sums.computeIfAbsent(r, x -> new LinkedHashMap<>());
            Attributes tx = a.toBuilder().put(IO_DIRECTION, "transmit").build();
            Attributes rx = a.toBuilder().put(IO_DIRECTION, "receive").build();
            point(m, "cartograph.network.io", start, end, tx, g.bytesSent);
            point(m, "cartograph.network.io", start, end, rx, g.bytesReceived);
            point(m, "cartograph.network.packet.count", start, end, tx, g.packetsSent);
            point(m, "cartograph.network.packet.count", start, end, rx, g.packetsReceived);
            point(m, "cartograph.tcp.retransmits", start, end, a, g.retransmits);
            point(m, "cartograph.tcp.connection.established", start, end, a, g.established);
            point(m, "cartograph.tcp.connection.closed", start, end, a, g.closed);
            g.failures.forEach((errno, n) -> point(m, "cartograph.tcp.connection.failures", start, end,
                    a.toBuilder().put(ERROR_TYPE, FailureCause.of(errno)).build(), n));
            if (g.rttCount > 0) {
                List<Long> counts = Arrays.stream(g.rttCounts).boxed().toList();
                rtts.computeIfAbsent(r, x -> new ArrayList<>()).add(HistogramPointData.create(start, end, a, g.rttSum,
                        true, g.rttMin, true, g.rttMax, Arrays.stream(Edge.RTT_BOUNDS).boxed().toList(), counts));
            }
        }
        sums.forEach((r, byName) -> byName.forEach((name, points) -> out.add(sum(r, name, points))));
        rtts.forEach((r, points) -> out.add(new Metric(r, SCOPE, "cartograph.tcp.rtt",
                "Smoothed TCP round-trip time, one observation per connection and interval", "s",
                MetricDataType.HISTOGRAM, HistogramData.create(AggregationTemporality.DELTA, points))));
    }

    private static void point(Map<String, List<LongPointData>> m, String name, long start, long end, Attributes a,
                              long value) {
        if (value > 0) {
            m.computeIfAbsent(name, x -> new ArrayList<>()).add(LongPointData.create(start, end, a, value));
        }
    }

    /** Adds a summary point unless the latency counts no answer. */
    private static void latencyPoint(List<SummaryPointData> out, long start, long end, Attributes a, DnsLatency l) {
        if (l.count() > 0) {
            out.add(SummaryPointData.create(start, end, a, l.count(), l.sumMicros() / 1e6,
                    List.of(ValueAtQuantile.create(0.5, l.p50Micros() / 1e6),
                            ValueAtQuantile.create(0.99, l.p99Micros() / 1e6))));
        }
    }

    private static void dnsMetrics(Resource host, List<DnsStats> dns, long start, long end, List<MetricData> out) {
        Map<String, List<LongPointData>> m = new LinkedHashMap<>();
        List<SummaryPointData> latency = new ArrayList<>();
        for (DnsStats d : dns) {
            Attributes a = Attributes.builder().put("server.address", d.server().toString())
                    .put("client.address", d.client().toString()).put("dns.question.name", d.domain())
                    .put("cartograph.dns.query_type", d.queryType()).build();
            point(m, "cartograph.dns.queries", start, end, a, d.queries());
            point(m, "cartograph.dns.timeouts", start, end, a, d.timeouts());
            d.rcodes().forEach((rcode, n) -> point(m, "cartograph.dns.responses", start, end,
                    a.toBuilder().put("cartograph.dns.rcode", rcode).build(), n));
            DnsLatency ok = d.successLatency();
            DnsLatency failed = d.failureLatency();
            if (ok.count() + failed.count() > 0) {
                latencyPoint(latency, start, end, a.toBuilder().put(OUTCOME, "success").build(), ok);
                latencyPoint(latency, start, end, a.toBuilder().put(OUTCOME, "failure").build(), failed);
            } else {
                long answered = d.rcodes().values().stream().mapToLong(Long::longValue).sum();
                latencyPoint(latency, start, end, a, new DnsLatency(answered, d.latencySumMicros(),
                        d.latencyP50Micros(), d.latencyP99Micros()));
            }
        }
        m.forEach((name, points) -> out.add(sum(host, name, points)));
        if (!latency.isEmpty()) {
            out.add(new Metric(host, SCOPE, "cartograph.dns.latency", "DNS answer latency", "s",
                    MetricDataType.SUMMARY, SummaryData.create(latency)));
        }
    }

    private static Metric sum(Resource r, String name, Collection<LongPointData> points) {
        return new Metric(r, SCOPE, name, DESCRIPTIONS.getOrDefault(name, ""), UNITS.getOrDefault(name, "1"),
                MetricDataType.LONG_SUM, SumData.createLongSumData(true, AggregationTemporality.DELTA, points));
    }
}
