package org.cartograph.sink.prometheus.internal;

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

    /**
     * @return a TCP flow from container {@code web} to {@code remote} (an address) whose remote end
     *         carries {@code service=remoteService} when not null
     */
    static Flow flow(int localPort, String remote, String remoteService, long bytesSent, long bytesReceived,
                     int rttMicros, Map<Integer, Long> failures) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), localPort,
                IpAddress.parse(remote), 5432, 4026531840L);
        ConnectionStats delta = new ConnectionStats(bytesSent, bytesReceived, 2, 3, 1, rttMicros, 20, 1, 0, failures);
        TagSet local = TagSet.of(Map.of("container_name", "web", "service", "shop"));
        TagSet remoteTags = remoteService == null ? TagSet.EMPTY : TagSet.of(Map.of("service", remoteService));
        return new Flow(key, localPort, 42, "java", 0, Direction.OUTGOING, false, true, false, false, delta, delta,
                null, List.of(), local, remoteTags);
    }

    /** @return a DNS statistic for the domain at 10.0.0.53: two NOERROR and one NXDOMAIN answer */
    static DnsStats dns(String domain) {
        return new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), domain, "A", 3, 1,
                Map.of("NOERROR", 2L, "NXDOMAIN", 1L), 900, 300, 500, new DnsLatency(2, 500, 200, 300),
                new DnsLatency(1, 400, 400, 400));
    }

    /** @return a DNS statistic without the success/failure split (version 1.0 of the record) */
    static DnsStats dnsWithoutSplit(String domain) {
        return new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), domain, "A", 3, 1,
                Map.of("NOERROR", 2L), 900, 300, 500);
    }

    /** @return a batch of these flows and DNS statistics, 10 s long, ending {@code sequence * 10} s after TIME */
    static FlowBatch batch(long sequence, List<Flow> flows, List<DnsStats> dns) {
        return new FlowBatch(sequence, "host-a", TIME.plusSeconds(10 * sequence), Duration.ofSeconds(10), flows, dns);
    }
}
