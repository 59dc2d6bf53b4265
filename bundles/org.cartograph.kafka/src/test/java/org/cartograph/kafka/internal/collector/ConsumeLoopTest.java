package org.cartograph.kafka.internal.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.Batches;
import org.cartograph.kafka.internal.schema.BatchCodec;
import org.cartograph.sink.BatchPublisher;
import org.junit.jupiter.api.Test;

/** The consumer loop over Kafka's own {@link MockConsumer}. */
class ConsumeLoopTest {

    private static final String TOPIC = "flows";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    private final BatchCodec codec = new BatchCodec();

    @Test
    void malformedRecordsAreCountedAndSkippedAndOffsetsCommittedAfterPublishing() {
        RecordingPublisher publisher = new RecordingPublisher();
        ConsumeLoop loop = assigned(publisher);
        consumer.addRecord(record(0, codec.encode(Batches.batch("a", 1))));
        consumer.addRecord(record(1, "garbage".getBytes(StandardCharsets.UTF_8)));
        consumer.addRecord(record(2, null));
        consumer.addRecord(record(3, codec.encode(Batches.batch("b", 1))));
        loop.pollOnce();
        assertEquals(List.of(Batches.batch("a", 1), Batches.batch("b", 1)), publisher.batches());
        assertEquals(2, loop.published());
        assertEquals(2, loop.malformed());
        assertEquals(0, loop.errors());
        assertEquals(Map.of(P0, new OffsetAndMetadata(4)), consumer.committed(java.util.Set.of(P0)));
        assertEquals(0, loop.lag());
    }

    @Test
    void aBatchThatCannotBePublishedIsNotCommittedAndIsTriedAgain() {
        FailingOnce publisher = new FailingOnce();
        ConsumeLoop loop = assigned(publisher);
        consumer.addRecord(record(0, codec.encode(Batches.batch("a", 1))));
        consumer.addRecord(record(1, codec.encode(Batches.batch("a", 2))));
        assertEquals(false, loop.pollOnce(), "the loop backs off before polling again");
        assertEquals(1, loop.errors());
        assertEquals(List.of(), publisher.recorder.batches());
        assertEquals(false, consumer.committed(java.util.Set.of(P0)).containsKey(P0) && consumer.committed(
                java.util.Set.of(P0)).get(P0) != null, "nothing committed");
        consumer.addRecord(record(0, codec.encode(Batches.batch("a", 1))));
        consumer.addRecord(record(1, codec.encode(Batches.batch("a", 2))));
        assertEquals(true, loop.pollOnce());
        assertEquals(List.of(Batches.batch("a", 1), Batches.batch("a", 2)), publisher.recorder.batches());
        assertEquals(new OffsetAndMetadata(2), consumer.committed(java.util.Set.of(P0)).get(P0));
        assertEquals(true, loop.state().healthy());
    }

    @Test
    void offsetsWaitForTheSinksToFinishEachBatchInOrder() {
        HoldingPublisher publisher = new HoldingPublisher();
        ConsumeLoop loop = assigned(publisher);
        consumer.addRecord(record(0, codec.encode(Batches.batch("a", 1))));
        consumer.addRecord(record(1, "garbage".getBytes(StandardCharsets.UTF_8)));
        consumer.addRecord(record(2, codec.encode(Batches.batch("a", 2))));
        consumer.addRecord(record(3, codec.encode(Batches.batch("a", 3))));
        loop.pollOnce();
        assertEquals(3, publisher.stages.size());
        assertEquals(null, consumer.committed(java.util.Set.of(P0)).get(P0), "no sink has finished a batch");
        assertEquals(3, loop.awaitingSinks());
        publisher.stages.get(1).complete(null);
        loop.pollOnce();
        assertEquals(null, consumer.committed(java.util.Set.of(P0)).get(P0), "batch 1 still held: nothing after it either");
        publisher.stages.get(0).complete(null);
        loop.pollOnce();
        assertEquals(new OffsetAndMetadata(3), consumer.committed(java.util.Set.of(P0)).get(P0),
                "batches 1 and 2 and the malformed record between them are done with");
        assertEquals(1, loop.awaitingSinks());
        publisher.stages.get(2).complete(null);
        loop.pollOnce();
        assertEquals(new OffsetAndMetadata(4), consumer.committed(java.util.Set.of(P0)).get(P0));
        assertEquals(0, loop.awaitingSinks());
    }

    private ConsumeLoop assigned(BatchPublisher publisher) {
        ConsumeLoop loop = new ConsumeLoop(consumer, TOPIC, publisher, Duration.ofMillis(10));
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        consumer.updateEndOffsets(Map.of(P0, 4L));
        return loop;
    }

    private static ConsumerRecord<String, byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 0, offset, "key", value);
    }

    /** Publishes nothing; hands out a stage per batch that the test completes. */
    private static final class HoldingPublisher implements BatchPublisher {
        final List<java.util.concurrent.CompletableFuture<Void>> stages = new java.util.ArrayList<>();

        @Override
        public void publish(FlowBatch batch) {
            throw new UnsupportedOperationException("the collector publishes tracked");
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> publishTracked(FlowBatch batch) {
            java.util.concurrent.CompletableFuture<Void> f = new java.util.concurrent.CompletableFuture<>();
            stages.add(f);
            return f;
        }
    }

    /** Throws on the first batch, then records. */
    private static final class FailingOnce implements BatchPublisher {
        final RecordingPublisher recorder = new RecordingPublisher();
        private boolean failed;

        @Override
        public void publish(FlowBatch batch) {
            if (!failed) {
                failed = true;
                throw new IllegalStateException("core stopping");
            }
            recorder.publish(batch);
        }
    }
}
