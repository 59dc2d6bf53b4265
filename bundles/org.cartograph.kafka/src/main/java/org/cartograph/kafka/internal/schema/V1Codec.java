package org.cartograph.kafka.internal.schema;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.cartograph.enrich.Tag;
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

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Schema version 1 of {@code cartograph/v1/flow_batch.proto}: flows as {@code Flow} messages
 * (field 6) with their strings inline, built and parsed through the generated message classes.
 * {@link BatchCodec} reads version 1 records with it; writing version 1 is kept for tests and for
 * the side-by-side benchmark. Version 1 predates intervals published as several batches: it
 * neither writes nor reads {@code more_of_interval}, and every batch it reads is the last (whole)
 * one of its interval. Stateless and thread-safe.
 */
public final class V1Codec {

    /** The schema version this codec writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Room for a part's header fields (version, sequence, times, part numbers) besides the host. */
    private static final int HEADER_ALLOWANCE = 64;
    /** Room for an item's field tag and length prefix. */
    private static final int ITEM_ALLOWANCE = 6;

    /**
     * @param batch a batch
     * @return its encoding as one record
     */
    public byte[] encode(FlowBatch batch) {
        return encode(batch, Integer.MAX_VALUE).getFirst();
    }

    /**
     * Encodes a batch as one record, or as several consecutive parts if its encoding would
     * exceed the size limit. Flows and then DNS statistics are cut into parts in order; an item
     * larger than the limit gets a part of its own.
     *
     * @param batch        a batch
     * @param maxPartBytes the size one record should not exceed
     * @return the records' values, in the order they must be sent
     */
    public List<byte[]> encode(FlowBatch batch, int maxPartBytes) {
        long budget = Math.max(1, (long) maxPartBytes - HEADER_ALLOWANCE - batch.host().length() * 3L);
        List<List<com.google.protobuf.MessageLite>> parts = new ArrayList<>();
        List<com.google.protobuf.MessageLite> current = new ArrayList<>();
        long size = 0;
        List<com.google.protobuf.MessageLite> items = new ArrayList<>(batch.flows().size() + batch.dns().size());
        for (Flow f : batch.flows()) {
            items.add(encode(f));
        }
        for (DnsStats d : batch.dns()) {
            items.add(encode(d));
        }
        for (com.google.protobuf.MessageLite item : items) {
            long itemSize = item.getSerializedSize() + ITEM_ALLOWANCE;
            if (!current.isEmpty() && size + itemSize > budget) {
                parts.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(item);
            size += itemSize;
        }
        parts.add(current);
        List<byte[]> out = new ArrayList<>(parts.size());
        for (int part = 0; part < parts.size(); part++) {
            var b = org.cartograph.kafka.internal.schema.proto.FlowBatch.newBuilder()
                    .setSchemaVersion(SCHEMA_VERSION)
                    .setSequence(batch.sequence())
                    .setHost(batch.host())
                    .setTimeUnixNanos(batch.time().getEpochSecond() * NANOS_PER_SECOND + batch.time().getNano())
                    .setIntervalNanos(batch.interval().toNanos())
                    .setPart(part)
                    .setParts(parts.size());
            for (com.google.protobuf.MessageLite item : parts.get(part)) {
                if (item instanceof org.cartograph.kafka.internal.schema.proto.Flow f) {
                    b.addFlows(f);
                } else {
                    b.addDns((org.cartograph.kafka.internal.schema.proto.DnsStats) item);
                }
            }
            out.add(b.build().toByteArray());
        }
        return out;
    }

    /**
     * @param bytes a record value
     * @return the batch or part it holds (a part's batch holds that part's flows and DNS statistics)
     * @throws MalformedBatchException if the bytes are not a batch of a known schema version
     */
    public BatchCodec.Part decodePart(byte[] bytes) throws MalformedBatchException {
        if (bytes == null) {
            throw new MalformedBatchException("the record has no value");
        }
        org.cartograph.kafka.internal.schema.proto.FlowBatch m;
        try {
            m = org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedBatchException("not a " + BatchCodec.MESSAGE_TYPE + ": " + e.getMessage());
        }
        if (m.getSchemaVersion() != SCHEMA_VERSION) {
            throw new MalformedBatchException("schema version " + m.getSchemaVersion() + " is not "
                    + SCHEMA_VERSION);
        }
        if (m.getParts() > 1 && m.getPart() >= m.getParts()) {
            throw new MalformedBatchException("part " + m.getPart() + " of " + m.getParts());
        }
        try {
            List<Flow> flows = new ArrayList<>(m.getFlowsCount());
            for (var f : m.getFlowsList()) {
                flows.add(decode(f));
            }
            List<DnsStats> dns = new ArrayList<>(m.getDnsCount());
            for (var d : m.getDnsList()) {
                dns.add(decode(d));
            }
            Instant time = Instant.ofEpochSecond(Math.floorDiv(m.getTimeUnixNanos(), NANOS_PER_SECOND),
                    Math.floorMod(m.getTimeUnixNanos(), NANOS_PER_SECOND));
            FlowBatch batch = new FlowBatch(m.getSequence(), m.getHost(), time, Duration.ofNanos(m.getIntervalNanos()),
                    flows, dns, true);
            return new BatchCodec.Part(m.getPart(), Math.max(1, m.getParts()), batch);
        } catch (RuntimeException e) {
            throw new MalformedBatchException("invalid batch content: " + e.getMessage());
        }
    }

    private static org.cartograph.kafka.internal.schema.proto.Flow encode(Flow f) {
        var b = org.cartograph.kafka.internal.schema.proto.Flow.newBuilder()
                .setKey(encode(f.key()))
                .setCookie(f.cookie())
                .setPid(f.pid())
                .setProcess(f.process())
                .setCgroupId(f.cgroupId())
                .setDirection(encode(f.direction()))
                .setIntraHost(f.intraHost())
                .setEphemeralLocalPort(f.ephemeralLocalPort())
                .setPreexisting(f.preexisting())
                .setClosed(f.closed())
                .setDelta(encode(f.delta()))
                .setCumulative(encode(f.cumulative()))
                .addAllDnsNames(f.dnsNames());
        if (f.nat() != null) {
            b.setNat(encode(f.nat()));
        }
        for (Tag t : f.localTags().tags()) {
            b.addLocalTags(encode(t));
        }
        for (Tag t : f.remoteTags().tags()) {
            b.addRemoteTags(encode(t));
        }
        return b.build();
    }

    private static Flow decode(org.cartograph.kafka.internal.schema.proto.Flow f) {
        return new Flow(decode(f.getKey()), f.getCookie(), f.getPid(), f.getProcess(), f.getCgroupId(),
                decode(f.getDirection()), f.getIntraHost(), f.getEphemeralLocalPort(), f.getPreexisting(),
                f.getClosed(), decode(f.getDelta()), decode(f.getCumulative()), f.hasNat() ? decode(f.getNat()) : null,
                f.getDnsNamesList(), decodeTags(f.getLocalTagsList()), decodeTags(f.getRemoteTagsList()));
    }

    private static org.cartograph.kafka.internal.schema.proto.ConnectionKey encode(ConnectionKey k) {
        return org.cartograph.kafka.internal.schema.proto.ConnectionKey.newBuilder()
                .setProtocol(k.protocol() == Protocol.TCP
                        ? org.cartograph.kafka.internal.schema.proto.Protocol.PROTOCOL_TCP
                        : org.cartograph.kafka.internal.schema.proto.Protocol.PROTOCOL_UDP)
                .setLocalAddress(ByteString.copyFrom(k.localAddress().toBytes()))
                .setLocalPort(k.localPort())
                .setRemoteAddress(ByteString.copyFrom(k.remoteAddress().toBytes()))
                .setRemotePort(k.remotePort())
                .setNetns(k.netns())
                .build();
    }

    private static ConnectionKey decode(org.cartograph.kafka.internal.schema.proto.ConnectionKey k) {
        Protocol protocol = switch (k.getProtocol()) {
            case PROTOCOL_TCP -> Protocol.TCP;
            case PROTOCOL_UDP -> Protocol.UDP;
            default -> throw new IllegalArgumentException("unknown protocol " + k.getProtocolValue());
        };
        return new ConnectionKey(protocol, IpAddress.ofBytes(k.getLocalAddress().toByteArray()), k.getLocalPort(),
                IpAddress.ofBytes(k.getRemoteAddress().toByteArray()), k.getRemotePort(), k.getNetns());
    }

    private static org.cartograph.kafka.internal.schema.proto.ConnectionStats encode(ConnectionStats s) {
        var b = org.cartograph.kafka.internal.schema.proto.ConnectionStats.newBuilder()
                .setBytesSent(s.bytesSent())
                .setBytesReceived(s.bytesReceived())
                .setPacketsSent(s.packetsSent())
                .setPacketsReceived(s.packetsReceived())
                .setRetransmits(s.retransmits())
                .setRttMicros(s.rttMicros())
                .setRttVarMicros(s.rttVarMicros())
                .setTcpEstablished(s.tcpEstablished())
                .setTcpClosed(s.tcpClosed());
        s.tcpFailures().forEach(b::putTcpFailures);
        return b.build();
    }

    private static ConnectionStats decode(org.cartograph.kafka.internal.schema.proto.ConnectionStats s) {
        return new ConnectionStats(s.getBytesSent(), s.getBytesReceived(), s.getPacketsSent(), s.getPacketsReceived(),
                s.getRetransmits(), s.getRttMicros(), s.getRttVarMicros(), s.getTcpEstablished(), s.getTcpClosed(),
                s.getTcpFailuresMap());
    }

    private static org.cartograph.kafka.internal.schema.proto.Direction encode(Direction d) {
        return switch (d) {
            case INCOMING -> org.cartograph.kafka.internal.schema.proto.Direction.DIRECTION_INCOMING;
            case OUTGOING -> org.cartograph.kafka.internal.schema.proto.Direction.DIRECTION_OUTGOING;
            case LOCAL -> org.cartograph.kafka.internal.schema.proto.Direction.DIRECTION_LOCAL;
            case NONE -> org.cartograph.kafka.internal.schema.proto.Direction.DIRECTION_NONE;
        };
    }

    private static Direction decode(org.cartograph.kafka.internal.schema.proto.Direction d) {
        return switch (d) {
            case DIRECTION_INCOMING -> Direction.INCOMING;
            case DIRECTION_OUTGOING -> Direction.OUTGOING;
            case DIRECTION_LOCAL -> Direction.LOCAL;
            default -> Direction.NONE;
        };
    }

    private static org.cartograph.kafka.internal.schema.proto.Tag encode(Tag t) {
        return org.cartograph.kafka.internal.schema.proto.Tag.newBuilder().setKey(t.key()).setValue(t.value()).build();
    }

    private static TagSet decodeTags(List<org.cartograph.kafka.internal.schema.proto.Tag> tags) {
        if (tags.isEmpty()) {
            return TagSet.EMPTY;
        }
        List<Tag> list = new ArrayList<>(tags.size());
        for (var t : tags) {
            list.add(new Tag(t.getKey(), t.getValue()));
        }
        return TagSet.of(list);
    }

    private static org.cartograph.kafka.internal.schema.proto.DnsStats encode(DnsStats d) {
        var b = org.cartograph.kafka.internal.schema.proto.DnsStats.newBuilder()
                .setClient(ByteString.copyFrom(d.client().toBytes()))
                .setServer(ByteString.copyFrom(d.server().toBytes()))
                .setDomain(d.domain())
                .setQueryType(d.queryType())
                .setQueries(d.queries())
                .setTimeouts(d.timeouts())
                .putAllRcodes(d.rcodes())
                .setLatencySumMicros(d.latencySumMicros())
                .setLatencyP50Micros(d.latencyP50Micros())
                .setLatencyP99Micros(d.latencyP99Micros());
        if (!d.successLatency().equals(DnsLatency.NONE)) {
            b.setSuccessLatency(encode(d.successLatency()));
        }
        if (!d.failureLatency().equals(DnsLatency.NONE)) {
            b.setFailureLatency(encode(d.failureLatency()));
        }
        return b.build();
    }

    private static org.cartograph.kafka.internal.schema.proto.DnsLatency encode(DnsLatency l) {
        return org.cartograph.kafka.internal.schema.proto.DnsLatency.newBuilder().setCount(l.count())
                .setSumMicros(l.sumMicros()).setP50Micros(l.p50Micros()).setP99Micros(l.p99Micros()).build();
    }

    private static DnsStats decode(org.cartograph.kafka.internal.schema.proto.DnsStats d) {
        return new DnsStats(IpAddress.ofBytes(d.getClient().toByteArray()), IpAddress.ofBytes(d.getServer().toByteArray()),
                d.getDomain(), d.getQueryType(), d.getQueries(), d.getTimeouts(), d.getRcodesMap(),
                d.getLatencySumMicros(), d.getLatencyP50Micros(), d.getLatencyP99Micros(),
                d.hasSuccessLatency() ? decode(d.getSuccessLatency()) : DnsLatency.NONE,
                d.hasFailureLatency() ? decode(d.getFailureLatency()) : DnsLatency.NONE);
    }

    private static DnsLatency decode(org.cartograph.kafka.internal.schema.proto.DnsLatency l) {
        return new DnsLatency(l.getCount(), l.getSumMicros(), l.getP50Micros(), l.getP99Micros());
    }
}
