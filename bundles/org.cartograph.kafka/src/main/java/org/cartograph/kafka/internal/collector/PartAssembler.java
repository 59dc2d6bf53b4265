package org.cartograph.kafka.internal.collector;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.schema.BatchCodec;

/**
 * Joins the record parts of split batches (one batch cut into several Kafka records for size).
 * A host's parts arrive consecutively on one partition, so the state is kept per partition and
 * host: a part of another sequence (or a whole batch) from the same host abandons an incomplete
 * batch, and so does silence longer than the timeout. A part already held (a resend) is ignored,
 * and so is a resend of the batch just completed. Confined to the consumer loop's thread.
 *
 * <p>The several batches of one interval ({@link FlowBatch#lastOfInterval()}) are not joined
 * here: each is a batch of its own sequence, published as it is, and the joined batch keeps the
 * flag its parts carry.
 */
final class PartAssembler {

    private record Done(long sequence, Instant time) {
    }

    /** An incomplete batch. */
    private static final class Pending {
        final long sequence;
        final long firstOffset;
        final long startedNanos;
        final FlowBatch[] parts;
        int count;

        Pending(long sequence, int parts, long firstOffset, long now) {
            this.sequence = sequence;
            this.firstOffset = firstOffset;
            this.startedNanos = now;
            this.parts = new FlowBatch[parts];
        }
    }

    private final long timeoutNanos;
    private final Map<TopicPartition, Map<String, Pending>> pending = new HashMap<>();
    /** The last batch completed per partition and host: a resend of it has the same sequence and time. */
    private final Map<TopicPartition, Map<String, Done>> completed = new HashMap<>();
    private long abandoned;
    private long duplicates;

    /** @param timeout how long an incomplete batch may wait for its next part */
    PartAssembler(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /**
     * @param tp     where the record came from
     * @param offset the record's offset
     * @param part   the decoded record
     * @param now    {@link System#nanoTime()}
     * @return the whole batch when this record completes one, else null
     */
    FlowBatch add(TopicPartition tp, long offset, BatchCodec.Part part, long now) {
        FlowBatch b = part.batch();
        Map<String, Pending> hosts = pending.computeIfAbsent(tp, k -> new HashMap<>());
        Pending p = hosts.get(b.host());
        if (p != null && (p.sequence != b.sequence() || p.parts.length != part.parts() || part.whole())) {
            hosts.remove(b.host());
            abandoned++;
            p = null;
        }
        Map<String, Done> done = completed.computeIfAbsent(tp, k -> new HashMap<>());
        Done key = new Done(b.sequence(), b.time());
        if (p == null && key.equals(done.get(b.host()))) {
            duplicates++;
            return null;
        }
        if (part.whole()) {
            done.put(b.host(), key);
            return b;
        }
        if (p == null) {
            p = new Pending(b.sequence(), part.parts(), offset, now);
            hosts.put(b.host(), p);
        }
        if (p.parts[part.part()] == null) {
            p.parts[part.part()] = b;
            p.count++;
        }
        if (p.count < p.parts.length) {
            return null;
        }
        hosts.remove(b.host());
        done.put(b.host(), key);
        return BatchCodec.merge(new ArrayList<>(Arrays.asList(p.parts)));
    }

    /** Abandons incomplete batches that waited longer than the timeout. */
    void expire(long now) {
        for (Map<String, Pending> hosts : pending.values()) {
            for (Iterator<Pending> it = hosts.values().iterator(); it.hasNext(); ) {
                if (now - it.next().startedNanos > timeoutNanos) {
                    it.remove();
                    abandoned++;
                }
            }
        }
    }

    /**
     * @return the offset of the earliest first part of an incomplete batch in this partition
     *         (offsets from there on must not be committed yet), or {@link Long#MAX_VALUE}
     */
    long firstPendingOffset(TopicPartition tp) {
        long min = Long.MAX_VALUE;
        for (Pending p : pending.getOrDefault(tp, Map.of()).values()) {
            min = Math.min(min, p.firstOffset);
        }
        return min;
    }

    /** Forgets the partitions' state: their new owner reads them again from the committed offset. */
    void revoked(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            pending.remove(tp);
            completed.remove(tp);
        }
    }

    /** @return incomplete batches given up */
    long abandoned() {
        return abandoned;
    }

    /** @return repeated records ignored */
    long duplicates() {
        return duplicates;
    }

    /** @return parts held now, for tests */
    List<Integer> pendingCounts() {
        List<Integer> counts = new ArrayList<>();
        pending.values().forEach(h -> h.values().forEach(p -> counts.add(p.count)));
        return counts;
    }
}
