package org.cartograph.kafka.internal.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.KafkaClients;
import org.cartograph.kafka.internal.schema.BatchCodec;
import org.cartograph.kafka.internal.schema.MalformedBatchException;
import org.cartograph.sink.BatchPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector's consumer loop: polls the topic in the consumer group, decodes each record,
 * joins the parts of split batches, publishes each batch and commits the offsets of what was
 * published, never past the first part of an incomplete batch (at-least-once). A
 * malformed record is counted and skipped; an error of the client is counted and the loop goes
 * on after a backoff. Runs on one thread, which owns the consumer; {@link #stop} may be called
 * from any.
 */
final class ConsumeLoop implements Runnable {

    /** What the loop last saw. */
    record State(boolean healthy, String lastError, Instant since) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeLoop.class);
    private static final long MIN_BACKOFF_MILLIS = 200;
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    /** The parts of one batch are sent back to back; a batch missing parts this long is given up. */
    private static final Duration PART_TIMEOUT = Duration.ofSeconds(120);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final BatchPublisher publisher;
    private final Duration pollTimeout;
    private final BatchCodec codec = new BatchCodec();
    private final PartAssembler assembler;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong partitions = new AtomicLong();
    /** Written by the loop's thread, read by any. */
    private volatile State state = new State(true, "", Instant.now());

    ConsumeLoop(Consumer<String, byte[]> consumer, String topic, BatchPublisher publisher, Duration pollTimeout) {
        this.consumer = consumer;
        this.topic = topic;
        this.publisher = publisher;
        this.pollTimeout = pollTimeout;
        this.assembler = new PartAssembler(PART_TIMEOUT);
    }

    @Override
    public void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (stopped.getCount() > 0) {
                try {
                    if (pollOnce()) {
                        backoff = MIN_BACKOFF_MILLIS;
                    } else if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    } else {
                        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                    }
                } catch (WakeupException e) {
                    if (stopped.getCount() == 0) {
                        return;
                    }
                } catch (KafkaException | IllegalStateException e) {
                    failed(e);
                    if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                LOG.debug("closing the Kafka consumer: {}", e.toString());
            }
        }
    }

    /** Makes {@link #run} return (after the batch in hand is published and committed). */
    void stop() {
        stopped.countDown();
        consumer.wakeup();
    }

    /**
     * Polls once, publishes what came, commits it.
     *
     * @return false if a batch could not be published (it is polled again after a backoff)
     */
    boolean pollOnce() {
        ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
        long now = System.nanoTime();
        assembler.expire(now);
        Map<TopicPartition, Long> next = new HashMap<>();
        Set<TopicPartition> held = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (held.contains(tp)) {
                continue;
            }
            if (handle(tp, record, now)) {
                next.put(tp, record.offset() + 1);
            } else {
                held.add(tp);
            }
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        next.forEach((tp, offset) -> commit.put(tp,
                new OffsetAndMetadata(Math.min(offset, assembler.firstPendingOffset(tp)))));
        if (!commit.isEmpty()) {
            consumer.commitSync(commit);
        }
        for (TopicPartition tp : held) {
            rewind(tp, commit.get(tp));
        }
        updateLag();
        if (!state.healthy() && held.isEmpty()) {
            LOG.info("Kafka collector consumes {} again", topic);
            state = new State(true, state.lastError(), Instant.now());
        }
        return held.isEmpty();
    }

    /** @return whether the record is done with (published, held as a part, or skipped as malformed) */
    private boolean handle(TopicPartition tp, ConsumerRecord<String, byte[]> record, long now) {
        FlowBatch batch;
        try {
            batch = assembler.add(tp, record.offset(), codec.decodePart(record.value()), now);
        } catch (MalformedBatchException e) {
            long n = malformed.incrementAndGet();
            if (n == 1 || n % 100 == 0) {
                LOG.warn("Kafka collector: skipped malformed record {}-{}@{} ({} so far): {}", record.topic(),
                        record.partition(), record.offset(), n, e.getMessage());
            }
            return true;
        }
        if (batch == null) {
            return true;
        }
        try {
            publisher.publish(batch);
            published.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Reads the partition again from what is committed, with no part held. */
    private void rewind(TopicPartition tp, OffsetAndMetadata justCommitted) {
        assembler.revoked(List.of(tp));
        OffsetAndMetadata from = justCommitted != null ? justCommitted : consumer.committed(Set.of(tp)).get(tp);
        if (from != null) {
            consumer.seek(tp, from.offset());
        } else {
            consumer.seekToBeginning(List.of(tp));
        }
    }

    private void updateLag() {
        long total = 0;
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition tp : assigned) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isPresent()) {
                total += l.getAsLong();
            }
        }
        lag.set(total);
        partitions.set(assigned.size());
    }

    private void failed(RuntimeException e) {
        errors.incrementAndGet();
        String why = KafkaClients.describe(e);
        if (state.healthy()) {
            LOG.warn("Kafka collector on {}: {}", topic, why);
            state = new State(false, why, Instant.now());
        } else {
            state = new State(false, why, state.since());
        }
    }

    long published() {
        return published.get();
    }

    long malformed() {
        return malformed.get();
    }

    long abandoned() {
        return assembler.abandoned();
    }

    long duplicates() {
        return assembler.duplicates();
    }

    long errors() {
        return errors.get();
    }

    long lag() {
        return lag.get();
    }

    long partitions() {
        return partitions.get();
    }

    State state() {
        return state;
    }

    /** Logs assignment changes; offsets are already committed after every poll. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            assembler.revoked(revoked);
            if (!revoked.isEmpty()) {
                LOG.info("Kafka collector: partitions revoked {}", revoked);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (!assigned.isEmpty()) {
                LOG.info("Kafka collector: partitions assigned {}", assigned);
            }
            partitions.set(consumer.assignment().size());
        }
    }
}
