package org.cartograph.kafka.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.Batches;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowBatch#lastOfInterval()} through the schema ({@code more_of_interval}, field 12): both
 * values survive, in whole records and in record parts, and a record without the field (an older
 * writer, or version 1) is the last batch of its interval.
 */
class IntervalBatchesEncodingTest {

    private final BatchCodec codec = new BatchCodec();

    /** @return the batch as one of several batches of its interval */
    static FlowBatch ofInterval(FlowBatch b, boolean last) {
        return new FlowBatch(b.sequence(), b.host(), b.time(), b.interval(), b.flows(), b.dns(), last);
    }

    @Test
    void bothValuesSurviveAWholeRecord() throws Exception {
        FlowBatch notLast = ofInterval(Batches.batch("host-a", 3), false);
        FlowBatch last = ofInterval(Batches.batch("host-a", 4), true);
        FlowBatch decodedNotLast = codec.decode(codec.encode(notLast));
        assertFalse(decodedNotLast.lastOfInterval());
        assertEquals(notLast, decodedNotLast);
        FlowBatch decodedLast = codec.decode(codec.encode(last));
        assertTrue(decodedLast.lastOfInterval());
        assertEquals(last, decodedLast);
    }

    @Test
    void everyRecordPartOfABatchCarriesTheFlagAndTheJoinedBatchKeepsIt() throws Exception {
        for (boolean last : new boolean[] {false, true}) {
            FlowBatch big = ofInterval(Batches.big("host-a", 9, 60), last);
            List<byte[]> records = codec.encode(big, 2048);
            assertTrue(records.size() > 3, records.size() + " parts");
            List<FlowBatch> parts = new ArrayList<>();
            for (byte[] record : records) {
                assertTrue(record.length <= 2048);
                BatchCodec.Part p = codec.decodePart(record);
                assertEquals(last, p.batch().lastOfInterval(), "part " + p.part());
                parts.add(p.batch());
            }
            assertEquals(big, BatchCodec.merge(parts));
        }
    }

    @Test
    void protobufJavaReadsMoreOfIntervalAsTheProtoFileSays() throws Exception {
        var notLast = org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(
                codec.encode(ofInterval(Batches.batch("host-a", 3), false)));
        assertTrue(notLast.getMoreOfInterval());
        byte[] lastBytes = codec.encode(Batches.batch("host-a", 4));
        assertFalse(org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(lastBytes).getMoreOfInterval());
        var reencoded = org.cartograph.kafka.internal.schema.proto.FlowBatch.parseFrom(lastBytes).toBuilder()
                .clearMoreOfInterval().build().toByteArray();
        assertEquals(lastBytes.length, reencoded.length, "the last batch leaves the field out");
    }

    @Test
    void aRecordWithoutTheFieldIsTheLastBatchOfItsInterval() throws Exception {
        for (int version : new int[] {1, 2}) {
            byte[] old = org.cartograph.kafka.internal.schema.proto.FlowBatch.newBuilder().setSchemaVersion(version)
                    .setSequence(5).setHost("h").setTimeUnixNanos(1_795_600_800_000_000_000L)
                    .setIntervalNanos(10_000_000_000L).build().toByteArray();
            FlowBatch decoded = codec.decode(old);
            assertTrue(decoded.lastOfInterval(), "version " + version);
            assertEquals(5, decoded.sequence());
        }
    }

    @Test
    void version1PredatesSeveralBatchesPerIntervalAndReadsAsLast() throws Exception {
        FlowBatch notLast = ofInterval(Batches.batch("host-a", 3), false);
        FlowBatch decoded = codec.decode(new V1Codec().encode(notLast));
        assertTrue(decoded.lastOfInterval());
        assertEquals(ofInterval(notLast, true), decoded);
    }
}
