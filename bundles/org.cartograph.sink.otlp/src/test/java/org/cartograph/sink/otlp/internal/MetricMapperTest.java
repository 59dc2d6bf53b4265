package org.cartograph.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.IpAddress;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;

class MetricMapperTest {

    @Test
    void flowsAreSummedPerEdgeAsDeltaSumsWithSemanticConventionAttributes() {
        List<MetricData> metrics = new MetricMapper().map(Batches.batch(1, List.of(
                Batches.flow(40000, "10.0.0.2", "db", 100, 1000, 250, Map.of()),
                Batches.flow(40001, "10.0.0.2", "db", 200, 2000, 3000, Map.of(111, 2L))), List.of()));
        MetricData io = find(metrics, "cartograph.network.io");
        assertEquals("By", io.getUnit());
        assertEquals(AggregationTemporality.DELTA, io.getLongSumData().getAggregationTemporality());
        assertTrue(io.getLongSumData().isMonotonic());
        LongPointData tx = io.getLongSumData().getPoints().stream()
                .filter(p -> "transmit".equals(p.getAttributes().get(AttributeKey.stringKey("network.io.direction"))))
                .findFirst().orElseThrow();
        assertEquals(300, tx.getValue());
        Attributes a = tx.getAttributes();
        assertEquals("tcp", a.get(AttributeKey.stringKey("network.transport")));
        assertEquals("ipv4", a.get(AttributeKey.stringKey("network.type")));
        assertEquals("10.0.0.2", a.get(AttributeKey.stringKey("destination.address")));
        assertEquals(5432L, a.get(AttributeKey.longKey("destination.port")));
        assertEquals("db", a.get(AttributeKey.stringKey("cartograph.destination.service")));
        assertNull(a.get(AttributeKey.longKey("source.port")), "no ephemeral port on metrics");
        assertEquals(10_000_000_000L, tx.getEpochNanos() - tx.getStartEpochNanos());

        Attributes resource = io.getResource().getAttributes();
        assertEquals("host-a", resource.get(AttributeKey.stringKey("host.name")));
        assertEquals("cartograph-agent", resource.get(AttributeKey.stringKey("service.name")));
        assertEquals("web-0", resource.get(AttributeKey.stringKey("k8s.pod.name")));
        assertEquals("shop", resource.get(AttributeKey.stringKey("k8s.namespace.name")));
        assertEquals("web", resource.get(AttributeKey.stringKey("container.name")));
        assertEquals("eu-west-1", resource.get(AttributeKey.stringKey("cloud.region")));

        LongPointData refused = find(metrics, "cartograph.tcp.connection.failures").getLongSumData().getPoints()
                .iterator().next();
        assertEquals(2, refused.getValue());
        assertEquals("refused", refused.getAttributes().get(AttributeKey.stringKey("error.type")));
        HistogramPointData rtt = find(metrics, "cartograph.tcp.rtt").getHistogramData().getPoints().iterator().next();
        assertEquals(2, rtt.getCount());
        assertEquals(0.00325, rtt.getSum(), 1e-12);
        assertEquals(2, find(metrics, "cartograph.tcp.connection.established").getLongSumData().getPoints()
                .iterator().next().getValue());
    }

    @Test
    void dnsStatisticsBecomeCountsAndALatencySummary() {
        List<MetricData> metrics = new MetricMapper().map(Batches.batch(1, List.of(),
                List.of(Batches.dns("example.com"))));
        LongPointData q = find(metrics, "cartograph.dns.queries").getLongSumData().getPoints().iterator().next();
        assertEquals(3, q.getValue());
        assertEquals("example.com", q.getAttributes().get(AttributeKey.stringKey("dns.question.name")));
        assertEquals("10.0.0.53", q.getAttributes().get(AttributeKey.stringKey("server.address")));
        assertEquals(2, find(metrics, "cartograph.dns.responses").getLongSumData().getPoints().iterator().next()
                .getValue());
        var latency = find(metrics, "cartograph.dns.latency").getSummaryData().getPoints().iterator().next();
        assertEquals(2, latency.getCount());
        assertEquals(0.0009, latency.getSum(), 1e-12);
        assertEquals(List.of(), new MetricMapper().map(Batches.batch(2, List.of(), List.of())));
    }

    @Test
    void dnsLatencyIsSplitByOutcomeWhenTheProducerSplitsIt() {
        DnsStats split = new DnsStats(IpAddress.parse("10.0.0.7"), IpAddress.parse("10.0.0.53"), "example.com", "A", 3,
                0, Map.of("NOERROR", 2L, "NXDOMAIN", 1L), 1_500, 400, 900,
                new DnsLatency(2, 600, 300, 300), new DnsLatency(1, 900, 900, 900));
        var points = find(new MetricMapper().map(Batches.batch(1, List.of(), List.of(split))), "cartograph.dns.latency")
                .getSummaryData().getPoints();
        Map<String, Long> counts = new TreeMap<>();
        points.forEach(p -> counts.put(p.getAttributes().get(AttributeKey.stringKey("cartograph.dns.outcome")),
                p.getCount()));
        assertEquals(Map.of("failure", 1L, "success", 2L), counts);
    }

    static MetricData find(List<MetricData> metrics, String name) {
        return metrics.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
    }
}
