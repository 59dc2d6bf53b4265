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
import java.util.concurrent.locks.LockSupport;

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
 * joins the parts of split batches, publishes each batch and commits the offsets of what its
 * sinks are done with (delivered, or dropped and counted by the sink queue), never past the first
 * part of an incomplete batch (at-least-once: a collector killed while a sink holds a batch
 * leaves it uncommitted). A
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
    /** How long a stopping collector waits for its sinks to finish the batches it published. */
    private static final Duration STOP_DRAIN = Duration.ofSeconds(10);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final BatchPublisher publisher;
    private final Duration pollTimeout;
    private final BatchCodec codec = new BatchCodec();
    private final PartAssembler assembler;
    private final CommitTracker tracker = new CommitTracker();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong partitions = new AtomicLong();
    private final AtomicLong awaitingSinks = new AtomicLong();
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
                commitOnStop();
                consumer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                LOG.debug("closing the Kafka consumer: {}", e.toString());
            }
        }
    }

    /**
     * Gives the sinks up to {@link #STOP_DRAIN} to finish the published batches and commits what
     * they finished; the rest is read again by the next owner of the partitions.
     */
    private void commitOnStop() {
        long deadline = System.nanoTime() + STOP_DRAIN.toNanos();
        try {
            commitReady();
            while (tracker.awaitingSinks() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000_000);
                commitReady();
            }
        } catch (KafkaException e) {
            LOG.warn("Kafka collector: offsets not committed at stop, their batches are read again: {}",
                    KafkaClients.describe(e));
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
        Set<TopicPartition> held = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            if (held.contains(tp)) {
                continue;
            }
            if (!handle(tp, record, now)) {
                held.add(tp);
            }
        }
        Map<TopicPartition, Long> committedNow = commitReady();
        for (TopicPartition tp : held) {
            rewind(tp, committedNow.get(tp));
        }
        updateLag();
        if (!state.healthy() && held.isEmpty()) {
            LOG.info("Kafka collector consumes {} again", topic);
            state = new State(true, state.lastError(), Instant.now());
        }
        return held.isEmpty();
    }

    /**
     * Commits, per partition, up to the first record whose batch a sink still holds, and never past
     * the first part of an incomplete batch.
     *
     * @return what was committed
     */
    private Map<TopicPartition, Long> commitReady() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        tracker.committable().forEach((tp, offset) -> {
            long capped = Math.min(offset, assembler.firstPendingOffset(tp));
            if (capped > tracker.lastCommitted(tp)) {
                offsets.put(tp, capped);
            }
        });
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        if (!commit.isEmpty()) {
            consumer.commitSync(commit);
            tracker.committed(offsets);
        }
        return offsets;
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
            tracker.handled(tp, record.offset());
            return true;
        }
        if (batch == null) {
            tracker.handled(tp, record.offset());
            return true;
        }
        try {
            tracker.published(tp, record.offset(), publisher.publishTracked(batch));
            published.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Reads the partition again from what is committed, with no part held. */
    private void rewind(TopicPartition tp, Long justCommitted) {
        assembler.revoked(List.of(tp));
        tracker.forget(List.of(tp));
        OffsetAndMetadata from = justCommitted != null ? new OffsetAndMetadata(justCommitted)
                : consumer.committed(Set.of(tp)).get(tp);
        if (from != null) {
            consumer.seek(tp, from.offset());
        } else {
            consumer.seekToBeginning(List.of(tp));
        }
    }

    private void updateLag() {
        awaitingSinks.set(tracker.awaitingSinks());
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

    /** @return published batches whose offsets wait for the sinks to finish them */
    long awaitingSinks() {
        return awaitingSinks.get();
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

    /** Commits what is done before partitions go and forgets their state; logs assignment changes. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            try {
                commitReady();
            } catch (KafkaException e) {
                LOG.warn("Kafka collector: offsets not committed before a rebalance, their batches are read again: {}",
                        KafkaClients.describe(e));
            }
            assembler.revoked(revoked);
            tracker.forget(revoked);
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
