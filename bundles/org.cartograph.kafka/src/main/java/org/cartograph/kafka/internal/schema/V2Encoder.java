package org.cartograph.kafka.internal.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.Tag;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.Protocol;

/**
 * Writes schema version 2 straight into reused buffers, without building message objects:
 * {@code CompactFlow}s whose strings are references into the record's string table, then the
 * DNS statistics. Not thread-safe: one instance per thread.
 */
final class V2Encoder {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Room for a part's header fields (version, sequence, times, part numbers, more_of_interval) besides the host. */
    private static final int HEADER_ALLOWANCE = 64;

    private final ProtoWriter items = new ProtoWriter(1 << 16);
    private final ProtoWriter header = new ProtoWriter(256);
    private final StringTable strings = new StringTable(Fields.BATCH_STRINGS);

    /**
     * @param batch        a batch
     * @param maxPartBytes the size one record should not exceed
     * @return the records' values, in the order they must be sent
     */
    List<byte[]> encode(FlowBatch batch, int maxPartBytes) {
        long budget = Math.max(1, (long) maxPartBytes - HEADER_ALLOWANCE - batch.host().length() * 3L);
        List<byte[]> bodies = new ArrayList<>(1);
        items.reset();
        strings.clear();
        boolean empty = true;
        for (Flow f : batch.flows()) {
            int start = items.position();
            long mark = strings.mark();
            writeFlow(f);
            if (!empty && (long) items.position() + strings.encodedBytes() > budget) {
                items.truncate(start);
                strings.rollback(mark);
                bodies.add(body());
                writeFlow(f);
            }
            empty = false;
        }
        for (DnsStats d : batch.dns()) {
            int start = items.position();
            DnsCodec.write(items, Fields.BATCH_DNS, d);
            if (!empty && (long) items.position() + strings.encodedBytes() > budget) {
                items.truncate(start);
                bodies.add(body());
                DnsCodec.write(items, Fields.BATCH_DNS, d);
            }
            empty = false;
        }
        int parts = bodies.size() + 1;
        List<byte[]> out = new ArrayList<>(parts);
        for (int part = 0; part < bodies.size(); part++) {
            writeHeader(batch, part, parts);
            byte[] body = bodies.get(part);
            byte[] record = new byte[header.position() + body.length];
            header.copyTo(record, 0);
            System.arraycopy(body, 0, record, header.position(), body.length);
            out.add(record);
        }
        writeHeader(batch, parts - 1, parts);
        int tableBytes = strings.encodedBytes();
        byte[] record = new byte[header.position() + tableBytes + items.position()];
        header.copyTo(record, 0);
        strings.encoded().copyTo(record, header.position());
        items.copyTo(record, header.position() + tableBytes);
        out.add(record);
        return out;
    }

    /** @return the finished part's string table and items, after which both start again empty */
    private byte[] body() {
        int tableBytes = strings.encodedBytes();
        byte[] body = new byte[tableBytes + items.position()];
        strings.encoded().copyTo(body, 0);
        items.copyTo(body, tableBytes);
        strings.clear();
        items.reset();
        return body;
    }

    private void writeHeader(FlowBatch batch, int part, int parts) {
        ProtoWriter w = header;
        w.reset();
        w.uint32(Fields.BATCH_SCHEMA_VERSION, BatchCodec.SCHEMA_VERSION);
        w.uint64(Fields.BATCH_SEQUENCE, batch.sequence());
        w.string(Fields.BATCH_HOST, batch.host());
        w.uint64(Fields.BATCH_TIME_UNIX_NANOS, batch.time().getEpochSecond() * NANOS_PER_SECOND + batch.time().getNano());
        w.uint64(Fields.BATCH_INTERVAL_NANOS, batch.interval().toNanos());
        w.uint32(Fields.BATCH_PART, part);
        w.uint32(Fields.BATCH_PARTS, parts);
        w.bool(Fields.BATCH_MORE_OF_INTERVAL, !batch.lastOfInterval());
    }

    private void writeFlow(Flow f) {
        ProtoWriter w = items;
        int m = w.begin(Fields.BATCH_COMPACT_FLOWS);
        writeKey(Fields.FLOW_KEY, f.key());
        w.fixed64(Fields.FLOW_COOKIE, f.cookie());
        w.uint32(Fields.FLOW_PID, f.pid());
        w.uint32(Fields.FLOW_PROCESS, strings.ref(f.process()));
        w.uint64(Fields.FLOW_CGROUP_ID, f.cgroupId());
        w.uint32(Fields.FLOW_DIRECTION, Fields.direction(f.direction()));
        w.bool(Fields.FLOW_INTRA_HOST, f.intraHost());
        w.bool(Fields.FLOW_EPHEMERAL_LOCAL_PORT, f.ephemeralLocalPort());
        w.bool(Fields.FLOW_PREEXISTING, f.preexisting());
        w.bool(Fields.FLOW_CLOSED, f.closed());
        writeStats(Fields.FLOW_DELTA, f.delta());
        writeStats(Fields.FLOW_CUMULATIVE, f.cumulative());
        if (f.nat() != null) {
            writeKey(Fields.FLOW_NAT, f.nat());
        }
        List<String> names = f.dnsNames();
        if (!names.isEmpty()) {
            int p = w.begin(Fields.FLOW_DNS_NAMES);
            for (int i = 0; i < names.size(); i++) {
                w.varint(strings.ref(names.get(i)));
            }
            w.end(p);
        }
        writeTags(Fields.FLOW_LOCAL_TAGS, f.localTags().tags());
        writeTags(Fields.FLOW_REMOTE_TAGS, f.remoteTags().tags());
        w.end(m);
    }

    private void writeTags(int field, List<Tag> tags) {
        if (tags.isEmpty()) {
            return;
        }
        int p = items.begin(field);
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            items.varint(strings.ref(t.key()));
            items.varint(strings.ref(t.value()));
        }
        items.end(p);
    }

    private void writeKey(int field, ConnectionKey k) {
        ProtoWriter w = items;
        int m = w.begin(field);
        w.uint32(Fields.KEY_PROTOCOL, k.protocol() == Protocol.TCP ? Fields.PROTOCOL_TCP : Fields.PROTOCOL_UDP);
        w.address(Fields.KEY_LOCAL_ADDRESS, k.localAddress());
        w.uint32(Fields.KEY_LOCAL_PORT, k.localPort());
        w.address(Fields.KEY_REMOTE_ADDRESS, k.remoteAddress());
        w.uint32(Fields.KEY_REMOTE_PORT, k.remotePort());
        w.uint64(Fields.KEY_NETNS, k.netns());
        w.end(m);
    }

    private void writeStats(int field, ConnectionStats s) {
        ProtoWriter w = items;
        int m = w.begin(field);
        w.uint64(Fields.STATS_BYTES_SENT, s.bytesSent());
        w.uint64(Fields.STATS_BYTES_RECEIVED, s.bytesReceived());
        w.uint64(Fields.STATS_PACKETS_SENT, s.packetsSent());
        w.uint64(Fields.STATS_PACKETS_RECEIVED, s.packetsReceived());
        w.uint64(Fields.STATS_RETRANSMITS, s.retransmits());
        w.uint32(Fields.STATS_RTT_MICROS, s.rttMicros());
        w.uint32(Fields.STATS_RTT_VAR_MICROS, s.rttVarMicros());
        w.uint32(Fields.STATS_TCP_ESTABLISHED, s.tcpEstablished());
        w.uint32(Fields.STATS_TCP_CLOSED, s.tcpClosed());
        if (!s.tcpFailures().isEmpty()) {
            for (Map.Entry<Integer, Long> e : s.tcpFailures().entrySet()) {
                int entry = w.begin(Fields.STATS_TCP_FAILURES);
                w.int32(Fields.MAP_KEY, e.getKey());
                w.uint64(Fields.MAP_VALUE, e.getValue());
                w.end(entry);
            }
        }
        w.end(m);
    }
}
