package org.cartograph.sink.jsonl.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/** Flows and batches for tests. */
final class Batches {

    static final Instant TIME = Instant.parse("2025-03-04T05:06:07.250Z");

    private Batches() {
    }

    /** @return a TCP flow 10.0.0.1:40000 -> 10.0.0.2:80 with small counters and no tags */
    static Flow flow(int localPort) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), localPort,
                IpAddress.parse("10.0.0.2"), 80, 4026531840L);
        ConnectionStats delta = new ConnectionStats(100, 2000, 2, 3, 0, 150, 20, 1, 0, Map.of());
        return new Flow(key, 7, 42, "curl", 0, Direction.OUTGOING, false, true, false, false, delta, delta, null,
                List.of(), TagSet.EMPTY, TagSet.EMPTY);
    }

    /** @return a DNS statistic for example.com */
    static DnsStats dns() {
        return new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), "example.com", "A", 3, 1,
                Map.of("NOERROR", 2L, "NXDOMAIN", 1L), 900, 300, 500, new DnsLatency(2, 500, 200, 300),
                new DnsLatency(1, 400, 400, 400));
    }

    /** @return a DNS statistic without the success/failure split (version 1.0 of the record) */
    static DnsStats dnsWithoutSplit() {
        return new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), "example.com", "A", 3, 1,
                Map.of("NOERROR", 2L), 900, 300, 500);
    }

    /** @return a batch of these flows and DNS statistics, 10 s long */
    static FlowBatch batch(long sequence, List<Flow> flows, List<DnsStats> dns) {
        return new FlowBatch(sequence, "host-a", TIME, Duration.ofSeconds(10), flows, dns);
    }
}
