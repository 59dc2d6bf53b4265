package org.cartograph.kafka.internal.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.Batches;
import org.cartograph.kafka.internal.schema.BatchCodec;
import org.junit.jupiter.api.Test;

class PartAssemblerTest {

    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final BatchCodec codec = new BatchCodec();
    private final PartAssembler assembler = new PartAssembler(Duration.ofSeconds(60));

    @Test
    void partsJoinIntoTheBatchAndHoldBackTheCommit() throws Exception {
        FlowBatch big = Batches.big("h", 1, 40);
        List<byte[]> parts = codec.encode(big, 2048);
        FlowBatch result = null;
        for (int i = 0; i < parts.size(); i++) {
            result = assembler.add(TP, 100 + i, codec.decodePart(parts.get(i)), 0);
            if (i < parts.size() - 1) {
                assertNull(result, "incomplete after part " + i);
                assertEquals(100, assembler.firstPendingOffset(TP), "no commit past the first part");
            }
        }
        assertEquals(big, result);
        assertEquals(Long.MAX_VALUE, assembler.firstPendingOffset(TP));
    }

    @Test
    void aResendIsIgnoredAndABatchWhosePartsStopIsAbandoned() throws Exception {
        List<byte[]> first = codec.encode(Batches.big("h", 1, 40), 2048);
        List<byte[]> second = codec.encode(Batches.big("h", 2, 40), 2048);
        assembler.add(TP, 0, codec.decodePart(first.get(0)), 0);
        assembler.add(TP, 1, codec.decodePart(first.get(1)), 0);
        assembler.add(TP, 2, codec.decodePart(first.get(0)), 0);
        assertEquals(List.of(2), assembler.pendingCounts(), "the resent part 0 is not counted twice");
        FlowBatch result = null;
        for (int i = 0; i < second.size(); i++) {
            result = assembler.add(TP, 10 + i, codec.decodePart(second.get(i)), 0);
        }
        assertEquals(Batches.big("h", 2, 40), result);
        assertEquals(1, assembler.abandoned(), "batch 1 stopped before its last part");
        for (int i = 0; i < second.size(); i++) {
            assertNull(assembler.add(TP, 50 + i, codec.decodePart(second.get(i)), 0), "resend of batch 2");
        }
        assertEquals(second.size(), assembler.duplicates());
        assertEquals(List.of(), assembler.pendingCounts());
    }

    @Test
    void wholeBatchesPassAndAnExactRepeatIsIgnored() throws Exception {
        BatchCodec.Part one = codec.decodePart(codec.encode(Batches.batch("h", 1)));
        assertEquals(Batches.batch("h", 1), assembler.add(TP, 0, one, 0));
        assertNull(assembler.add(TP, 1, one, 0));
        assertEquals(1, assembler.duplicates());
        BatchCodec.Part other = codec.decodePart(codec.encode(Batches.batch("other", 1)));
        assertEquals(Batches.batch("other", 1), assembler.add(TP, 2, other, 0), "same sequence, other host");
    }

    @Test
    void theBatchesOfOneIntervalEachSplitIntoRecordPartsComeOutAsSeparateBatchesWithTheirFlag() throws Exception {
        FlowBatch template = Batches.big("h", 1, 40);
        List<FlowBatch> interval = List.of(ofInterval(template, 1, false), ofInterval(template, 2, false),
                ofInterval(template, 3, true));
        List<FlowBatch> out = new java.util.ArrayList<>();
        long offset = 0;
        for (FlowBatch b : interval) {
            List<byte[]> parts = codec.encode(b, 2048);
            assertTrue(parts.size() > 1);
            for (byte[] p : parts) {
                FlowBatch joined = assembler.add(TP, offset++, codec.decodePart(p), 0);
                if (joined != null) {
                    out.add(joined);
                }
            }
        }
        assertEquals(interval, out, "same host and time, other sequences: neither duplicates nor abandoned");
        assertEquals(0, assembler.duplicates());
        assertEquals(0, assembler.abandoned());
    }

    private static FlowBatch ofInterval(FlowBatch b, long sequence, boolean last) {
        return new FlowBatch(sequence, b.host(), b.time(), b.interval(), b.flows(), b.dns(), last);
    }

    @Test
    void anIncompleteBatchExpires() throws Exception {
        List<byte[]> parts = codec.encode(Batches.big("h", 1, 40), 2048);
        assembler.add(TP, 7, codec.decodePart(parts.getFirst()), 0);
        assembler.expire(Duration.ofSeconds(30).toNanos());
        assertEquals(7, assembler.firstPendingOffset(TP));
        assembler.expire(Duration.ofSeconds(61).toNanos());
        assertEquals(Long.MAX_VALUE, assembler.firstPendingOffset(TP));
        assertEquals(1, assembler.abandoned());
    }
}
