package org.cartograph.kafka.internal;

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

/** Batches for tests. */
public final class Batches {

    /** The end of every test batch's interval. */
    public static final Instant TIME = Instant.parse("2025-03-04T05:06:07.250123456Z");

    private Batches() {
    }

    /** @return a batch of one host with two flows (IPv4 and IPv6, tags, NAT, failures) and one DNS statistic */
    public static FlowBatch batch(String host, long sequence) {
        ConnectionKey v4 = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 40000 + (int) (sequence % 1000),
                IpAddress.parse("10.0.0.2"), 80, 4026531840L);
        ConnectionKey nat = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 40000,
                IpAddress.parse("172.16.0.9"), 8080, 4026531840L);
        ConnectionStats delta = new ConnectionStats(100 + sequence, 2000, 2, 3, 1, 150, 20, 1, 0, Map.of(111, 2L));
        ConnectionStats total = new ConnectionStats(1000 + sequence, 20000, 20, 30, 4, 150, 20, 1, 0, Map.of(111, 2L));
        Flow a = new Flow(v4, -7L, 42, "curl", 99, Direction.OUTGOING, false, true, false, false, delta, total, nat,
                List.of("web.example.com", "example.com"), TagSet.of(Map.of("container_name", "web")),
                TagSet.of(Map.of("kube_service", "db")));
        ConnectionKey v6 = new ConnectionKey(Protocol.UDP, IpAddress.parse("2001:db8::1"), 5353,
                IpAddress.parse("2001:db8::53"), 53, 0);
        Flow b = new Flow(v6, 0, 0, "", 0, Direction.NONE, true, false, true, true, ConnectionStats.ZERO,
                ConnectionStats.ZERO, null, List.of(), TagSet.EMPTY, TagSet.EMPTY);
        DnsStats dns = new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), "example.com", "A", 3,
                1, Map.of("NOERROR", 2L, "NXDOMAIN", 1L), 900, 300, 500, new DnsLatency(2, 500, 200, 300),
                new DnsLatency(1, 400, 400, 400));
        return new FlowBatch(sequence, host, TIME.plusSeconds(10 * sequence), Duration.ofSeconds(10), List.of(a, b),
                List.of(dns));
    }

    /** @return a batch like {@link #batch} with this many flows (distinct local ports) */
    public static FlowBatch big(String host, long sequence, int flows) {
        FlowBatch template = batch(host, sequence);
        Flow a = template.flows().getFirst();
        List<Flow> all = new java.util.ArrayList<>(flows);
        for (int i = 0; i < flows; i++) {
            ConnectionKey k = a.key();
            all.add(a.withKey(new ConnectionKey(k.protocol(), k.localAddress(), 1024 + i, k.remoteAddress(),
                    k.remotePort(), k.netns())));
        }
        return new FlowBatch(sequence, host, template.time(), template.interval(), all, template.dns());
    }
}
