package org.cartograph.kafka.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.Batches;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

    private final BatchCodec codec = new BatchCodec();

    @Test
    void aBatchSurvivesEncodingUnchanged() throws Exception {
        FlowBatch batch = Batches.batch("host-a", 42);
        assertEquals(batch, codec.decode(codec.encode(batch)));
    }

    @Test
    void anEmptyBatchAndTimesBeforeTheEpochSurvive() throws Exception {
        FlowBatch empty = new FlowBatch(0, "h", Instant.parse("1969-12-31T23:59:59.5Z"), Duration.ofMillis(1500),
                List.of(), List.of());
        assertEquals(empty, codec.decode(codec.encode(empty)));
    }

    @Test
    void theValueIsTheDocumentedMessageWithItsVersion() throws Exception {
        byte[] bytes = codec.encode(Batches.batch("host-a", 7));
        var message = org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(bytes);
        assertEquals(2, message.getSchemaVersion());
        assertEquals("host-a", message.getHost());
        assertEquals(7, message.getSequence());
        assertEquals(0, message.getFlowsCount(), "version 2 has no version 1 flows");
        assertEquals(2, message.getCompactFlowsCount());
        assertEquals(4, message.getCompactFlows(0).getKey().getLocalAddress().size(), "IPv4 in 4 bytes");
        assertEquals(16, message.getCompactFlows(1).getKey().getLocalAddress().size(), "IPv6 in 16 bytes");
        assertEquals("curl", message.getStrings(message.getCompactFlows(0).getProcess() - 1));
        assertEquals(0, message.getCompactFlows(1).getProcess(), "the empty string is reference 0");
        assertEquals(BatchCodec.MESSAGE_TYPE, message.getDescriptorForType().getFullName());
    }

    @Test
    void aLargeBatchIsSplitIntoPartsWithinTheLimitThatMergeBack() throws Exception {
        FlowBatch big = Batches.big("host-a", 9, 60);
        List<byte[]> parts = codec.encode(big, 2048);
        assertTrue(parts.size() > 3, parts.size() + " parts");
        List<FlowBatch> decoded = new java.util.ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            assertTrue(parts.get(i).length <= 2048, "part " + i + " has " + parts.get(i).length + " bytes");
            BatchCodec.Part p = codec.decodePart(parts.get(i));
            assertEquals(i, p.part());
            assertEquals(parts.size(), p.parts());
            assertEquals(9, p.batch().sequence());
            decoded.add(p.batch());
        }
        assertEquals(big, BatchCodec.merge(decoded));
        assertEquals(1, decoded.getLast().dns().size(), "DNS statistics come last");
        assertThrows(MalformedBatchException.class, () -> codec.decode(parts.getFirst()), "a part is not a whole batch");
        assertEquals(1, codec.encode(big, 1 << 20).size(), "fits in one record");
    }

    @Test
    void malformedValuesAreRefusedWithAReason() {
        assertThrows(MalformedBatchException.class, () -> codec.decode(null));
        assertThrows(MalformedBatchException.class,
                () -> codec.decode("not protobuf at all".getBytes(StandardCharsets.UTF_8)));
        byte[] future = org.cartograph.kafka.internal.schema.proto.FlowBatch.newBuilder().setSchemaVersion(3)
                .setHost("h").build().toByteArray();
        MalformedBatchException e = assertThrows(MalformedBatchException.class, () -> codec.decode(future));
        assertTrue(e.getMessage().contains("schema version 3"), e.getMessage());
        byte[] badAddress = org.cartograph.kafka.internal.schema.proto.FlowBatch.newBuilder().setSchemaVersion(1)
                .setHost("h").addFlows(org.cartograph.kafka.internal.schema.proto.Flow.newBuilder()
                        .setKey(org.cartograph.kafka.internal.schema.proto.ConnectionKey.newBuilder()
                                .setProtocolValue(1)
                                .setLocalAddress(com.google.protobuf.ByteString.copyFrom(new byte[3]))))
                .build().toByteArray();
        assertThrows(MalformedBatchException.class, () -> codec.decode(badAddress));
    }
}
