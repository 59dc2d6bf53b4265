package org.cartograph.kafka.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
import org.cartograph.kafka.internal.Batches;
import org.junit.jupiter.api.Test;

/** Schema version 2 (compact flows, string table) against the model and against protobuf-java. */
class V2EncodingTest {

    private final BatchCodec codec = new BatchCodec();

    /** Flows with every field away from its default, in every combination the encoder special-cases. */
    static FlowBatch everyField() {
        ConnectionKey v4 = new ConnectionKey(Protocol.TCP, IpAddress.parse("10.1.2.3"), 65535,
                IpAddress.parse("2001:db8::ff00:42:8329"), 1, Long.MAX_VALUE);
        ConnectionKey v6 = new ConnectionKey(Protocol.UDP, IpAddress.parse("::1"), 0, IpAddress.parse("255.255.255.255"),
                65535, -1L);
        ConnectionStats big = new ConnectionStats(Long.MAX_VALUE, 1L << 40, 3, 4, 5, Integer.MAX_VALUE, 7, 1, 1,
                Map.of(104, 1L, 110, Long.MAX_VALUE, 111, 0L, -5, 9L));
        ConnectionStats small = new ConnectionStats(1, 2, 3, 4, 0, 128, 16384, 0, 1, Map.of());
        TagSet tags = TagSet.of(List.of(new Tag("kube_service", "b"), new Tag("kube_service", "a"),
                new Tag("container_name", "wéb ☃"), new Tag("empty_value", ""), new Tag("", "empty key")));
        TagSet other = TagSet.of(Map.of("kube_service", "db"));
        List<Flow> flows = new ArrayList<>();
        for (Direction d : Direction.values()) {
            flows.add(new Flow(v4, Long.MIN_VALUE + d.ordinal(), Integer.MAX_VALUE - d.ordinal(), "prozeß-" + d,
                    -1L, d, true, true, true, true, big, small, v6, List.of("a.example.com", "b.example.com", "ünï.例え"),
                    tags, other));
        }
        flows.add(new Flow(v6, -1, 1, "curl", Long.MAX_VALUE, Direction.OUTGOING, false, true, false, true, small, big,
                null, List.of("a.example.com"), other, tags));
        flows.add(new Flow(v4, 0, 0, "", 0, Direction.NONE, false, false, false, false, ConnectionStats.ZERO,
                ConnectionStats.ZERO, null, List.of(), TagSet.EMPTY, TagSet.EMPTY));
        String longProcess = "p".repeat(300);
        flows.add(new Flow(v4, 1, 2, longProcess, 3, Direction.LOCAL, true, false, true, false, big, big, v4,
                List.of("x".repeat(200)), tags, tags));
        List<DnsStats> dns = List.of(
                new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("2001:db8::53"), "example.com", "AAAA",
                        Long.MAX_VALUE, 1, Map.of("NOERROR", 2L, "NXDOMAIN", 3L, "SERVFAIL", 0L), 900, 300, 500,
                        new DnsLatency(2, 250, 100, 150), new DnsLatency(Long.MAX_VALUE, Long.MAX_VALUE - 1, 1, 1L << 40)),
                new DnsStats(IpAddress.parse("::1"), IpAddress.parse("10.0.0.53"), "", "", 0, 0, Map.of(), 0, 0, 0,
                        DnsLatency.NONE, new DnsLatency(1, 0, 0, 0)),
                new DnsStats(IpAddress.parse("::1"), IpAddress.parse("::1"), "", "", 0, 0, Map.of(), 0, 0, 0));
        return new FlowBatch(Long.MAX_VALUE, "höst-ä", Instant.parse("2262-04-11T23:47:16.854775807Z"),
                Duration.ofNanos(Long.MAX_VALUE), flows, dns);
    }

    @Test
    void everyFieldOfFlowAndDnsStatsSurvives() throws Exception {
        FlowBatch batch = everyField();
        FlowBatch decoded = codec.decode(codec.encode(batch));
        for (int i = 0; i < batch.flows().size(); i++) {
            assertEquals(batch.flows().get(i), decoded.flows().get(i), "flow " + i);
        }
        assertEquals(batch.dns(), decoded.dns());
        assertEquals(batch, decoded);
        FlowBatch early = new FlowBatch(0, "h", Instant.parse("1900-01-01T00:00:00.000000001Z"), Duration.ZERO,
                batch.flows(), batch.dns());
        assertEquals(early, codec.decode(codec.encode(early)));
    }

    @Test
    void flowsWithTheSameTagsShareOneTagSet() throws Exception {
        FlowBatch decoded = codec.decode(codec.encode(Batches.big("h", 1, 50)));
        Flow first = decoded.flows().getFirst();
        for (Flow f : decoded.flows()) {
            assertSame(first.localTags(), f.localTags());
            assertSame(first.dnsNames(), f.dnsNames());
        }
    }

    @Test
    void protobufJavaReadsVersion2AsTheProtoFileSays() throws Exception {
        FlowBatch batch = everyField();
        var message = org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(codec.encode(batch));
        assertEquals(2, message.getSchemaVersion());
        var v1 = message.toBuilder().setSchemaVersion(1).clearStrings().clearCompactFlows();
        for (var c : message.getCompactFlowsList()) {
            var f = org.cartograph.kafka.internal.schema.proto.Flow.newBuilder().setKey(c.getKey())
                    .setCookie(c.getCookie()).setPid(c.getPid()).setProcess(string(message, c.getProcess()))
                    .setCgroupId(c.getCgroupId()).setDirection(c.getDirection()).setIntraHost(c.getIntraHost())
                    .setEphemeralLocalPort(c.getEphemeralLocalPort()).setPreexisting(c.getPreexisting())
                    .setClosed(c.getClosed()).setDelta(c.getDelta()).setCumulative(c.getCumulative());
            if (c.hasNat()) {
                f.setNat(c.getNat());
            }
            c.getDnsNamesList().forEach(ref -> f.addDnsNames(string(message, ref)));
            for (int i = 0; i < c.getLocalTagsCount(); i += 2) {
                f.addLocalTags(org.cartograph.kafka.internal.schema.proto.Tag.newBuilder()
                        .setKey(string(message, c.getLocalTags(i))).setValue(string(message, c.getLocalTags(i + 1))));
            }
            for (int i = 0; i < c.getRemoteTagsCount(); i += 2) {
                f.addRemoteTags(org.cartograph.kafka.internal.schema.proto.Tag.newBuilder()
                        .setKey(string(message, c.getRemoteTags(i))).setValue(string(message, c.getRemoteTags(i + 1))));
            }
            v1.addFlows(f);
        }
        assertEquals(batch, codec.decode(v1.build().toByteArray()), "the same batch, read through version 1");
        assertEquals(message.getStringsCount(), message.getStringsList().stream().distinct().count(),
                "each string once");
    }

    private static String string(org.cartograph.kafka.internal.schema.proto.FlowBatch m, int ref) {
        return ref == 0 ? "" : m.getStrings(ref - 1);
    }

    @Test
    void version1RecordsAreStillRead() throws Exception {
        V1Codec v1 = new V1Codec();
        FlowBatch batch = everyField();
        assertEquals(batch, codec.decode(v1.encode(batch)));
        FlowBatch big = Batches.big("host-a", 9, 60);
        List<FlowBatch> parts = new ArrayList<>();
        for (byte[] part : v1.encode(big, 2048)) {
            parts.add(codec.decodePart(part).batch());
        }
        assertTrue(parts.size() > 1);
        assertEquals(big, BatchCodec.merge(parts));
    }

    @Test
    void partsOfVariedFlowsStayWithinTheLimitAndEachHasItsOwnStringTable() throws Exception {
        FlowBatch batch = everyField();
        List<Flow> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.addAll(batch.flows());
        }
        FlowBatch big = new FlowBatch(3, "h", batch.time(), batch.interval(), many, batch.dns());
        List<byte[]> parts = codec.encode(big, 4096);
        assertTrue(parts.size() > 5, parts.size() + " parts");
        List<FlowBatch> decoded = new ArrayList<>();
        BatchCodec reader = new BatchCodec();
        for (byte[] part : parts) {
            assertTrue(part.length <= 4096, part.length + " bytes");
            decoded.add(reader.decodePart(part).batch());
        }
        assertEquals(big, BatchCodec.merge(decoded));
    }

    @Test
    void damagedRecordsAreMalformedNeverAnotherException() {
        byte[] bytes = codec.encode(everyField());
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertMalformedOrDecoded(cut);
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            byte[] flipped = bytes.clone();
            int at = 4 + random.nextInt(bytes.length - 4);
            flipped[at] = (byte) random.nextInt(256);
            assertMalformedOrDecoded(flipped);
        }
        byte[] badRef = org.cartograph.kafka.internal.schema.proto.FlowBatch.newBuilder().setSchemaVersion(2)
                .addStrings("a").addCompactFlows(org.cartograph.kafka.internal.schema.proto.CompactFlow.newBuilder()
                        .setKey(org.cartograph.kafka.internal.schema.proto.ConnectionKey.newBuilder().setProtocolValue(1)
                                .setLocalAddress(com.google.protobuf.ByteString.copyFrom(new byte[4]))
                                .setRemoteAddress(com.google.protobuf.ByteString.copyFrom(new byte[4])))
                        .setProcess(2))
                .build().toByteArray();
        MalformedBatchException e = assertThrows(MalformedBatchException.class, () -> codec.decode(badRef));
        assertTrue(e.getMessage().contains("not in the table"), e.getMessage());
    }

    private void assertMalformedOrDecoded(byte[] bytes) {
        try {
            codec.decodePart(bytes);
        } catch (MalformedBatchException expected) {
            // the outcome asserted: a damaged record is refused with a reason
        } catch (RuntimeException e) {
            fail("a damaged record threw " + e, e);
        }
    }
}
