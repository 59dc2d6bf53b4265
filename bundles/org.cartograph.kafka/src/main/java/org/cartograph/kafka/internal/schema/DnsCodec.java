package org.cartograph.kafka.internal.schema;

import java.util.HashMap;
import java.util.Map;

import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.IpAddress;

/**
 * Writes and reads the {@code DnsStats} message of {@code cartograph/v1/flow_batch.proto} for the
 * hand-written version 2 codec. A success/failure split that is {@link DnsLatency#NONE} is left
 * out, and a missing one (an older writer's record) reads as {@link DnsLatency#NONE}. Stateless.
 */
final class DnsCodec {

    private DnsCodec() {
    }

    /** Writes {@code d} as field {@code field} of the message being written. */
    static void write(ProtoWriter w, int field, DnsStats d) {
        int m = w.begin(field);
        w.address(Fields.DNS_CLIENT, d.client());
        w.address(Fields.DNS_SERVER, d.server());
        w.string(Fields.DNS_DOMAIN, d.domain());
        w.string(Fields.DNS_QUERY_TYPE, d.queryType());
        w.uint64(Fields.DNS_QUERIES, d.queries());
        w.uint64(Fields.DNS_TIMEOUTS, d.timeouts());
        for (Map.Entry<String, Long> e : d.rcodes().entrySet()) {
            int entry = w.begin(Fields.DNS_RCODES);
            w.string(Fields.MAP_KEY, e.getKey());
            w.uint64(Fields.MAP_VALUE, e.getValue());
            w.end(entry);
        }
        w.uint64(Fields.DNS_LATENCY_SUM_MICROS, d.latencySumMicros());
        w.uint64(Fields.DNS_LATENCY_P50_MICROS, d.latencyP50Micros());
        w.uint64(Fields.DNS_LATENCY_P99_MICROS, d.latencyP99Micros());
        writeLatency(w, Fields.DNS_SUCCESS_LATENCY, d.successLatency());
        writeLatency(w, Fields.DNS_FAILURE_LATENCY, d.failureLatency());
        w.end(m);
    }

    private static void writeLatency(ProtoWriter w, int field, DnsLatency l) {
        if (l.equals(DnsLatency.NONE)) {
            return;
        }
        int m = w.begin(field);
        w.uint64(Fields.LATENCY_COUNT, l.count());
        w.uint64(Fields.LATENCY_SUM_MICROS, l.sumMicros());
        w.uint64(Fields.LATENCY_P50_MICROS, l.p50Micros());
        w.uint64(Fields.LATENCY_P99_MICROS, l.p99Micros());
        w.end(m);
    }

    /**
     * Reads a {@code DnsStats} message whose fields {@code r} is limited to.
     *
     * @throws IllegalArgumentException if the message is malformed
     */
    static DnsStats read(ProtoReader r) {
        IpAddress client = null;
        IpAddress server = null;
        String domain = "";
        String queryType = "";
        long queries = 0;
        long timeouts = 0;
        Map<String, Long> rcodes = null;
        long sum = 0;
        long p50 = 0;
        long p99 = 0;
        DnsLatency success = DnsLatency.NONE;
        DnsLatency failure = DnsLatency.NONE;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case Fields.DNS_CLIENT << 3 | ProtoWriter.LENGTH_DELIMITED -> client = r.address();
                case Fields.DNS_SERVER << 3 | ProtoWriter.LENGTH_DELIMITED -> server = r.address();
                case Fields.DNS_DOMAIN << 3 | ProtoWriter.LENGTH_DELIMITED -> domain = r.string();
                case Fields.DNS_QUERY_TYPE << 3 | ProtoWriter.LENGTH_DELIMITED -> queryType = r.string();
                case Fields.DNS_QUERIES << 3 -> queries = r.varint();
                case Fields.DNS_TIMEOUTS << 3 -> timeouts = r.varint();
                case Fields.DNS_RCODES << 3 | ProtoWriter.LENGTH_DELIMITED -> {
                    if (rcodes == null) {
                        rcodes = new HashMap<>();
                    }
                    readRcode(r, rcodes);
                }
                case Fields.DNS_LATENCY_SUM_MICROS << 3 -> sum = r.varint();
                case Fields.DNS_LATENCY_P50_MICROS << 3 -> p50 = r.varint();
                case Fields.DNS_LATENCY_P99_MICROS << 3 -> p99 = r.varint();
                case Fields.DNS_SUCCESS_LATENCY << 3 | ProtoWriter.LENGTH_DELIMITED -> success = readLatency(r);
                case Fields.DNS_FAILURE_LATENCY << 3 | ProtoWriter.LENGTH_DELIMITED -> failure = readLatency(r);
                default -> r.skip(tag & 7);
            }
        }
        if (client == null || server == null) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not 0");
        }
        return new DnsStats(client, server, domain, queryType, queries, timeouts, rcodes, sum, p50, p99, success,
                failure);
    }

    private static void readRcode(ProtoReader r, Map<String, Long> rcodes) {
        int entry = r.push();
        String name = "";
        long count = 0;
        while (r.more()) {
            int t = r.tag();
            switch (t) {
                case Fields.MAP_KEY << 3 | ProtoWriter.LENGTH_DELIMITED -> name = r.string();
                case Fields.MAP_VALUE << 3 -> count = r.varint();
                default -> r.skip(t & 7);
            }
        }
        r.pop(entry);
        rcodes.put(name, count);
    }

    private static DnsLatency readLatency(ProtoReader r) {
        int outer = r.push();
        long count = 0;
        long sum = 0;
        long p50 = 0;
        long p99 = 0;
        while (r.more()) {
            int t = r.tag();
            switch (t) {
                case Fields.LATENCY_COUNT << 3 -> count = r.varint();
                case Fields.LATENCY_SUM_MICROS << 3 -> sum = r.varint();
                case Fields.LATENCY_P50_MICROS << 3 -> p50 = r.varint();
                case Fields.LATENCY_P99_MICROS << 3 -> p99 = r.varint();
                default -> r.skip(t & 7);
            }
        }
        r.pop(outer);
        return (count | sum | p50 | p99) == 0 ? DnsLatency.NONE : new DnsLatency(count, sum, p50, p99);
    }
}
