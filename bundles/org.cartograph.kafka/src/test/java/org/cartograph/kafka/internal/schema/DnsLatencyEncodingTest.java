package org.cartograph.kafka.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

/** The success/failure latency split of DNS statistics: written, read, and absent in older records. */
class DnsLatencyEncodingTest {

    private static final DnsLatency SUCCESS = new DnsLatency(41, 8_200, 150, 1_900);
    private static final DnsLatency FAILURE = new DnsLatency(3, 90_000, 25_000, 60_000);

    private final BatchCodec codec = new BatchCodec();

    private static DnsStats stats(DnsLatency success, DnsLatency failure) {
        return new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), "example.com", "A", 45, 1,
                Map.of("NOERROR", 41L, "SERVFAIL", 3L), 98_200, 160, 60_000, success, failure);
    }

    private static FlowBatch batch(DnsStats... dns) {
        return new FlowBatch(5, "h", Instant.parse("2026-11-25T10:00:00Z"), Duration.ofSeconds(10), List.of(),
                List.of(dns));
    }

    @Test
    void aSplitSurvivesExactlyInVersion2AndVersion1() throws Exception {
        FlowBatch batch = batch(stats(SUCCESS, FAILURE), stats(DnsLatency.NONE, FAILURE),
                stats(SUCCESS, DnsLatency.NONE));
        FlowBatch decoded = codec.decode(codec.encode(batch));
        assertEquals(batch, decoded);
        assertEquals(SUCCESS, decoded.dns().getFirst().successLatency());
        assertEquals(FAILURE, decoded.dns().getFirst().failureLatency());
        assertEquals(DnsLatency.NONE, decoded.dns().get(1).successLatency());
        assertEquals(batch, codec.decode(new V1Codec().encode(batch)));
    }

    @Test
    void statisticsWithoutASplitSurviveWithoutOne() throws Exception {
        FlowBatch batch = batch(stats(DnsLatency.NONE, DnsLatency.NONE));
        DnsStats decoded = codec.decode(codec.encode(batch)).dns().getFirst();
        assertEquals(batch.dns().getFirst(), decoded);
        assertEquals(DnsLatency.NONE, decoded.successLatency());
        assertEquals(DnsLatency.NONE, decoded.failureLatency());
    }

    @Test
    void protobufJavaReadsTheSplitAsTheProtoFileSays() throws Exception {
        var message = org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(
                codec.encode(batch(stats(SUCCESS, FAILURE), stats(DnsLatency.NONE, DnsLatency.NONE))));
        var split = message.getDns(0);
        assertEquals(41, split.getSuccessLatency().getCount());
        assertEquals(8_200, split.getSuccessLatency().getSumMicros());
        assertEquals(150, split.getSuccessLatency().getP50Micros());
        assertEquals(1_900, split.getSuccessLatency().getP99Micros());
        assertEquals(3, split.getFailureLatency().getCount());
        assertEquals(90_000, split.getFailureLatency().getSumMicros());
        assertEquals(25_000, split.getFailureLatency().getP50Micros());
        assertEquals(60_000, split.getFailureLatency().getP99Micros());
        assertEquals(98_200, split.getLatencySumMicros(), "the overall latency is still there for older readers");
        assertFalse(message.getDns(1).hasSuccessLatency(), "no split, no field");
        assertFalse(message.getDns(1).hasFailureLatency(), "no split, no field");
    }

    @Test
    void anOlderAgentsRecordDecodesToNoSplit() throws Exception {
        var old = org.cartograph.kafka.internal.schema.proto.DnsStats.newBuilder()
                .setClient(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                .setServer(ByteString.copyFrom(new byte[] {10, 0, 0, 53}))
                .setDomain("example.com").setQueryType("A").setQueries(45).setTimeouts(1)
                .putRcodes("NOERROR", 41).putRcodes("SERVFAIL", 3)
                .setLatencySumMicros(98_200).setLatencyP50Micros(160).setLatencyP99Micros(60_000).build();
        DnsStats expected = stats(DnsLatency.NONE, DnsLatency.NONE);
        for (int version : new int[] {1, 2}) {
            byte[] record = org.cartograph.kafka.internal.schema.proto.FlowBatch.newBuilder().setSchemaVersion(version)
                    .setSequence(5).setHost("h").setTimeUnixNanos(1_795_600_800_000_000_000L)
                    .setIntervalNanos(10_000_000_000L).addDns(old).build().toByteArray();
            DnsStats decoded = codec.decode(record).dns().getFirst();
            assertEquals(expected, decoded, "version " + version);
            assertEquals(DnsLatency.NONE, decoded.successLatency(), "version " + version);
            assertEquals(DnsLatency.NONE, decoded.failureLatency(), "version " + version);
        }
    }

    @Test
    void aDamagedSplitIsMalformed() {
        byte[] bytes = codec.encode(batch(stats(SUCCESS, FAILURE)));
        int refused = 0;
        for (int length = bytes.length - 24; length < bytes.length; length++) {
            try {
                codec.decode(java.util.Arrays.copyOf(bytes, length));
            } catch (MalformedBatchException expected) {
                refused++;
            }
        }
        assertEquals(24, refused, "every cut into the split's fields is refused");
    }
}
