package org.cartograph.dns.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.IpAddress;

/** The counters of one (client, server, domain, query type) in one interval. Not thread-safe. */
final class StatsEntry {

    final long clientHigh;
    final long clientLow;
    final long serverHigh;
    final long serverLow;
    final String domain;
    final int qtype;
    final int hash;
    long queries;
    long timeouts;
    final long[] rcodes = new long[DnsNames.RCODE_BUCKETS.length];
    LatencyHistogram success;
    LatencyHistogram failure;

    StatsEntry(long clientHigh, long clientLow, long serverHigh, long serverLow, String domain, int qtype, int hash) {
        this.clientHigh = clientHigh;
        this.clientLow = clientLow;
        this.serverHigh = serverHigh;
        this.serverLow = serverLow;
        this.domain = domain;
        this.qtype = qtype;
        this.hash = hash;
    }

    boolean matches(long ch, long cl, long sh, long sl, String d, int t) {
        return clientLow == cl && serverLow == sl && qtype == t && clientHigh == ch && serverHigh == sh
                && (domain == d || domain.equals(d));
    }

    void answered(int rcode, long latencyMicros) {
        int bucket = DnsNames.rcodeBucket(rcode);
        rcodes[bucket]++;
        if (bucket == 0) {
            if (success == null) {
                success = new LatencyHistogram();
            }
            success.record(latencyMicros);
        } else {
            if (failure == null) {
                failure = new LatencyHistogram();
            }
            failure.record(latencyMicros);
        }
    }

    DnsStats toStats() {
        Map<String, Long> byName = new LinkedHashMap<>();
        for (int i = 0; i < rcodes.length; i++) {
            if (rcodes[i] > 0) {
                byName.put(DnsNames.RCODE_BUCKETS[i], rcodes[i]);
            }
        }
        LatencyHistogram all = new LatencyHistogram();
        if (success != null) {
            all.add(success);
        }
        if (failure != null) {
            all.add(failure);
        }
        return new DnsStats(new IpAddress(clientHigh, clientLow), new IpAddress(serverHigh, serverLow), domain,
                DnsNames.type(qtype), queries, timeouts, byName, all.sum(), all.percentile(0.5), all.percentile(0.99),
                latency(success), latency(failure));
    }

    private static DnsLatency latency(LatencyHistogram h) {
        if (h == null || h.count() == 0) {
            return DnsLatency.NONE;
        }
        return new DnsLatency(h.count(), h.sum(), h.percentile(0.5), h.percentile(0.99));
    }
}
