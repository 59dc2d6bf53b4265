package org.cartograph.store.internal;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/** Recorded flows and batches for tests, and a store configuration. */
public final class Scenario {

    /** Start of every scenario: batches are 10 s apart from here. */
    public static final Instant T0 = Instant.parse("2026-11-25T06:00:00Z");

    private final List<Flow> flows = new ArrayList<>();
    private final List<DnsStats> dns = new ArrayList<>();
    private int port = 40000;

    /**
     * Adds an outgoing TCP flow from a service on this host to a remote one.
     *
     * @param src       source service
     * @param srcZone   source availability zone
     * @param dst       destination service (empty: untagged, e.g. the internet)
     * @param dstZone   destination zone, empty if none
     * @param dstIp     destination address
     * @param bytesOut  bytes sent by the source
     * @param bytesIn   bytes received by the source
     * @param rttMicros round-trip time
     * @param established connections established
     * @param failures  failures by errno
     * @return this
     */
    public Scenario flow(String src, String srcZone, String dst, String dstZone, String dstIp, long bytesOut,
                         long bytesIn, int rttMicros, int established, Map<Integer, Long> failures) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), port++,
                IpAddress.parse(dstIp), 443, 4026531840L);
        ConnectionStats d = new ConnectionStats(bytesOut, bytesIn, bytesOut / 1000 + 1, bytesIn / 1000 + 1,
                bytesOut / 100_000, rttMicros, 10, established, 0, failures);
        TagSet local = TagSet.of(Map.of("service", src, "availability_zone", srcZone, "region", "us-east-1",
                "cloud_provider", "aws"));
        TagSet remote = dst.isEmpty() ? TagSet.EMPTY : dstZone.isEmpty() ? TagSet.of(Map.of("service", dst))
                : TagSet.of(Map.of("service", dst, "availability_zone", dstZone, "region", "us-east-1",
                        "cloud_provider", "aws"));
        flows.add(new Flow(key, 0, 100, src + "-bin", 0, Direction.OUTGOING, false, true, false, false, d, d, null,
                List.of(), local, remote));
        return this;
    }

    /**
     * Adds an incoming TCP flow: a remote client (untagged) connects to a local service.
     *
     * @return this
     */
    public Scenario incoming(String localService, String clientIp, long bytesSent, long bytesReceived) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.0.0.1"), 8080,
                IpAddress.parse(clientIp), port++, 0);
        ConnectionStats d = new ConnectionStats(bytesSent, bytesReceived, 1, 1, 0, 0, 0, 1, 0, Map.of());
        flows.add(new Flow(key, 0, 7, "server", 0, Direction.INCOMING, false, false, false, false, d, d, null,
                List.of(), TagSet.of(Map.of("service", localService)), TagSet.EMPTY));
        return this;
    }

    /** Adds a DNS statistic from 10.0.0.1 to 10.0.0.53. */
    public Scenario dns(String domain, long queries, long timeouts, long nxdomain, long servfail, long latencySumMicros) {
        Map<String, Long> rcodes = Map.of("NOERROR", queries - timeouts - nxdomain - servfail, "NXDOMAIN", nxdomain,
                "SERVFAIL", servfail);
        dns.add(new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), domain, "A", queries, timeouts,
                rcodes, latencySumMicros, latencySumMicros / Math.max(1, queries), latencySumMicros));
        return this;
    }

    /**
     * Adds a DNS statistic from 10.0.0.1 to 10.0.0.53 with latencies split by outcome: NOERROR answers
     * are {@code success.count()}, the other answers {@code failure.count()} (all NXDOMAIN); the
     * overall latency sum and p99 are derived from the two splits.
     *
     * @param domain   the queried name
     * @param timeouts queries without an answer
     * @param success  latencies of NOERROR answers
     * @param failure  latencies of the other answers
     * @return this
     */
    public Scenario dns(String domain, long timeouts, DnsLatency success, DnsLatency failure) {
        long answers = success.count() + failure.count();
        Map<String, Long> rcodes = Map.of("NOERROR", success.count(), "NXDOMAIN", failure.count());
        dns.add(new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), domain, "A",
                answers + timeouts, timeouts, rcodes, success.sumMicros() + failure.sumMicros(),
                answers == 0 ? 0 : (success.sumMicros() + failure.sumMicros()) / answers,
                Math.max(success.p99Micros(), failure.p99Micros()), success, failure));
        return this;
    }

    /**
     * @param index the batch's number; its time is {@code T0 + 10 s * index}
     * @return the batch of what was added
     */
    public FlowBatch batch(int index) {
        return new FlowBatch(index, "host-a", at(index), Duration.ofSeconds(10), flows, dns);
    }

    /**
     * Deactivates a store as DS would (for tests outside this package).
     *
     * @param store the store
     */
    public static void stop(StoreSink store) {
        store.deactivate();
    }

    /** @return the time of batch {@code index} */
    public static Instant at(int index) {
        return T0.plusSeconds(10L * index);
    }

    /**
     * @param dataDir the data directory
     * @return a configuration with analysis on every batch, a 60 s window and a 300 s baseline
     */
    public static StoreConfig config(String dataDir) {
        return config(dataDir, 168, 2048);
    }

    /** @return a configuration with this retention and size */
    public static StoreConfig config(String dataDir, int retentionHours, int maxSizeMb) {
        return config(dataDir, retentionHours, maxSizeMb, 0);
    }

    /** @return a configuration with this retention, size and analysis interval */
    public static StoreConfig config(String dataDir, int retentionHours, int maxSizeMb, int analysisIntervalS) {
        return new StoreConfig() {
            @Override public Class<? extends Annotation> annotationType() { return StoreConfig.class; }
            @Override public String data_dir() { return dataDir; }
            @Override public int retention_hours() { return retentionHours; }
            @Override public int max_size_mb() { return maxSizeMb; }
            @Override public int memory_limit_mb() { return 256; }
            @Override public int threads() { return 1; }
            @Override public String price_file() { return ""; }
            @Override public String[] node_tags() { return new String[] {"service", "process"}; }
            @Override public int analysis_interval_s() { return analysisIntervalS; }
            @Override public int detection_window_s() { return 60; }
            @Override public int baseline_window_s() { return 300; }
            @Override public int outage_min_failures() { return 5; }
            @Override public double outage_min_rate() { return 0.2; }
            @Override public double outage_factor() { return 3.0; }
        };
    }
}
