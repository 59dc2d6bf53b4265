package org.cartograph.kafka.internal.collector;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.TopicPartition;

/**
 * The offsets the collector may commit, per partition. A record is done with when it was skipped,
 * held as a part, or published and its sinks are done with the batch; an offset is committable once
 * its record and every earlier one of its partition are done with, so a collector killed while a
 * sink still holds a batch reads that batch again (at least once). Used by the loop's thread only.
 */
final class CommitTracker {

    private record Entry(long next, CompletableFuture<Void> done) {
        boolean finished() {
            return done == null || done.isDone();
        }
    }

    private final Map<TopicPartition, ArrayDeque<Entry>> waiting = new HashMap<>();
    private final Map<TopicPartition, Long> ready = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    /** The record at {@code offset} needs nothing more (skipped, duplicate, or a part held). */
    void handled(TopicPartition tp, long offset) {
        ArrayDeque<Entry> q = waiting.get(tp);
        if (q == null || q.isEmpty()) {
            ready.put(tp, offset + 1);
        } else {
            q.addLast(new Entry(offset + 1, null));
        }
    }

    /** The record at {@code offset} completed a batch that was published; it is done with when {@code sinks} is. */
    void published(TopicPartition tp, long offset, CompletionStage<Void> sinks) {
        CompletableFuture<Void> f = sinks.toCompletableFuture();
        ArrayDeque<Entry> q = waiting.computeIfAbsent(tp, k -> new ArrayDeque<>());
        if (f.isDone() && q.isEmpty()) {
            ready.put(tp, offset + 1);
        } else {
            q.addLast(new Entry(offset + 1, f));
        }
    }

    /**
     * @return per partition, the highest offset now committable that is beyond what was committed
     */
    Map<TopicPartition, Long> committable() {
        for (Map.Entry<TopicPartition, ArrayDeque<Entry>> e : waiting.entrySet()) {
            ArrayDeque<Entry> q = e.getValue();
            while (!q.isEmpty() && q.peekFirst().finished()) {
                ready.put(e.getKey(), q.pollFirst().next());
            }
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        ready.forEach((tp, offset) -> {
            if (offset > committed.getOrDefault(tp, -1L)) {
                out.put(tp, offset);
            }
        });
        return out;
    }

    /** @param offsets what was just committed */
    void committed(Map<TopicPartition, Long> offsets) {
        offsets.forEach((tp, offset) -> committed.merge(tp, offset, Math::max));
    }

    /** @return the offset last committed for the partition, -1 if none since it was assigned */
    long lastCommitted(TopicPartition tp) {
        return committed.getOrDefault(tp, -1L);
    }

    /** @return published batches whose sinks are not done with them yet */
    int awaitingSinks() {
        int n = 0;
        for (ArrayDeque<Entry> q : waiting.values()) {
            for (Entry e : q) {
                if (!e.finished()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Forgets the partitions: they are read again from their committed offset (here or by another collector). */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            waiting.remove(tp);
            ready.remove(tp);
            committed.remove(tp);
        }
    }
}
