package org.cartograph.sink.otlp.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.flow.FlowBatch;

import io.opentelemetry.sdk.metrics.data.MetricData;

/**
 * Sums the batches of one interval (same host, end time and length) until the one marked
 * {@link FlowBatch#lastOfInterval()}, so an interval published as several batches is exported as
 * one delta point per series. Only per edge sums are kept, never flows. An agent's sink sees one
 * host; a collector's sink sees many, whose batches interleave, so one interval per host may be
 * open.
 *
 * <p>An open interval is closed with what it has, and counted as incomplete, when its last batch
 * was evidently lost: a batch of the same host for another interval arrives; or, for a host that
 * went quiet, {@link #STALE_AFTER_BATCHES} batches of other hosts arrived since its last one and
 * the current batch ends more than {@link #STALE_AFTER_INTERVALS} of its intervals after it; or more
 * than {@link #MAX_OPEN} hosts have an open interval (the least recently fed one is closed). A
 * batch with the identity ({@link BatchId}) of the one added last is a retry and is not added
 * again. Not thread-safe: the sink's thread, one batch at a time, in the order the core delivers
 * them ({@link #incomplete()} may be read from any thread).
 */
final class IntervalAccumulator {

    /** Batches of other hosts after which a quiet host's open interval may be closed. */
    static final int STALE_AFTER_BATCHES = 100;
    /** How many of its intervals after its end a quiet host's open interval may be closed. */
    static final int STALE_AFTER_INTERVALS = 3;
    /** Hosts with an open interval at most. */
    static final int MAX_OPEN = 1_000;

    private final MetricMapper mapper;
    /** The intervals being summed, by host. */
    private final Map<String, IntervalSums> open = new HashMap<>();
    /** Batches added so far; the clock of {@link IntervalSums#lastBatch}. */
    private long added;
    private BatchId lastAdded;
    /** Written on the sink's thread, read by status. */
    private final AtomicLong incomplete = new AtomicLong();

    /** @param mapper turns an interval's sums into metrics; its resource cache is shared */
    IntervalAccumulator(MetricMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Adds a batch to its interval.
     *
     * @param batch the next batch, or the last one again (a retry: not added)
     * @return the metrics of the intervals this batch closed, each as one list: intervals whose
     *         last batch was lost first, then the batch's own interval when the batch is its last;
     *         intervals without metrics are left out
     */
    List<List<MetricData>> add(FlowBatch batch) {
        BatchId id = BatchId.of(batch);
        if (id.equals(lastAdded)) {
            return List.of();
        }
        List<List<MetricData>> closed = new ArrayList<>(2);
        IntervalSums mine = open.get(batch.host());
        if (mine != null && !mine.holds(batch)) {
            closeIncomplete(mine, closed);
            mine = null;
        }
        closeStale(batch, closed);
        if (mine == null) {
            if (open.size() >= MAX_OPEN) {
                closeIncomplete(open.values().stream().min(Comparator.comparingLong(s -> s.lastBatch)).orElseThrow(),
                        closed);
            }
            mine = new IntervalSums(batch);
            open.put(batch.host(), mine);
        }
        mapper.add(mine, batch);
        mine.lastBatch = ++added;
        lastAdded = id;
        if (batch.lastOfInterval()) {
            close(mine, closed);
        }
        return closed;
    }

    /**
     * Closes every open interval with what it has (e.g. when the sink stops); they count as
     * incomplete.
     *
     * @return their metrics, one list per interval; empty when none is open
     */
    List<List<MetricData>> drain() {
        List<List<MetricData>> closed = new ArrayList<>(open.size());
        for (IntervalSums s : List.copyOf(open.values())) {
            closeIncomplete(s, closed);
        }
        return closed;
    }

    /** @return how many intervals were closed before their last batch arrived */
    long incomplete() {
        return incomplete.get();
    }

    /** @return how many batches the open intervals hold, all hosts together */
    int openBatches() {
        return open.values().stream().mapToInt(s -> s.batches).sum();
    }

    /** Closes the open intervals of quiet hosts other than the batch's. */
    private void closeStale(FlowBatch batch, List<List<MetricData>> closed) {
        if (open.isEmpty() || open.size() == 1 && open.containsKey(batch.host())) {
            return;
        }
        List<IntervalSums> stale = null;
        for (IntervalSums s : open.values()) {
            if (!s.host.equals(batch.host()) && added + 1 - s.lastBatch >= STALE_AFTER_BATCHES
                    && batch.time().isAfter(s.time.plus(s.interval.multipliedBy(STALE_AFTER_INTERVALS)))) {
                if (stale == null) {
                    stale = new ArrayList<>();
                }
                stale.add(s);
            }
        }
        if (stale != null) {
            stale.forEach(s -> closeIncomplete(s, closed));
        }
    }

    private void closeIncomplete(IntervalSums s, List<List<MetricData>> into) {
        incomplete.incrementAndGet();
        close(s, into);
    }

    private void close(IntervalSums s, List<List<MetricData>> into) {
        open.remove(s.host);
        List<MetricData> metrics = mapper.map(s);
        if (!metrics.isEmpty()) {
            into.add(metrics);
        }
    }
}
