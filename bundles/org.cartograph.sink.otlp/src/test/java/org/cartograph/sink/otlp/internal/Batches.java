package org.cartograph.sink.otlp.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
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

    /** @return an outgoing TCP flow from pod {@code web-0} (container {@code web}) to {@code remote}:5432 */
    static Flow flow(int localPort, String remote, String remoteService, long bytesSent, long bytesReceived,
                     int rttMicros, Map<Integer, Long> failures) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), localPort,
                IpAddress.parse(remote), 5432, 4026531840L);
        ConnectionStats delta = new ConnectionStats(bytesSent, bytesReceived, 2, 3, 1, rttMicros, 20, 1, 0, failures);
        TagSet local = TagSet.of(Map.of("container_name", "web", "pod_name", "web-0", "kube_namespace", "shop",
                "region", "eu-west-1"));
        TagSet remoteTags = remoteService == null ? TagSet.EMPTY : TagSet.of(Map.of("service", remoteService));
        return new Flow(key, localPort, 42, "java", 0, Direction.OUTGOING, false, true, false, false, delta, delta,
                null, List.of(), local, remoteTags);
    }

    /** @return a DNS statistic for the domain at 10.0.0.53 */
    static DnsStats dns(String domain) {
        return new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), domain, "A", 3, 1,
                Map.of("NOERROR", 2L), 900, 300, 500);
    }

    /** @return a batch of these flows and DNS statistics, a whole 10 s interval ending 10 s per sequence later */
    static FlowBatch batch(long sequence, List<Flow> flows, List<DnsStats> dns) {
        return new FlowBatch(sequence, "host-a", TIME.plusSeconds(10 * sequence), Duration.ofSeconds(10), flows, dns);
    }

    /**
     * @param sequence the batch's sequence
     * @param interval which 10 s interval (its end is {@code TIME + 10 s * interval})
     * @param last     whether it is the interval's last batch
     * @return a batch of host-a that is part of that interval
     */
    static FlowBatch part(long sequence, long interval, List<Flow> flows, List<DnsStats> dns, boolean last) {
        return new FlowBatch(sequence, "host-a", TIME.plusSeconds(10 * interval), Duration.ofSeconds(10), flows, dns,
                last);
    }
}
