package org.cartograph.sink.otlp.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.opentelemetry.sdk.metrics.data.MetricData;

/**
 * The metrics of closed intervals that the receiver has not accepted yet, oldest first. They are
 * sent again with the next export until accepted; at most {@link #MAX_INTERVALS} are kept and the
 * oldest beyond that is dropped and counted. Thread-safe: the sink's thread adds and takes
 * snapshots, the exporter's callback acknowledges.
 */
final class UnsentMetrics {

    /** How many intervals are kept at most while the receiver does not accept them. */
    static final int MAX_INTERVALS = 4;

    /**
     * What one export sends.
     *
     * @param intervals the intervals, as held here
     * @param metrics   their metrics, concatenated
     */
    record Snapshot(List<List<MetricData>> intervals, List<MetricData> metrics) {

        /** @return the number of data points */
        long points() {
            return metrics.stream().mapToLong(m -> m.getData().getPoints().size()).sum();
        }
    }

    /** Guarded by {@code this}. */
    private final Deque<List<MetricData>> intervals = new ArrayDeque<>();
    /** Guarded by {@code this}. */
    private long dropped;

    /** @param metrics the metrics of a closed interval */
    synchronized void add(List<MetricData> metrics) {
        intervals.addLast(metrics);
        while (intervals.size() > MAX_INTERVALS) {
            intervals.removeFirst();
            dropped++;
        }
    }

    /** @return everything not accepted yet; empty metrics when nothing is waiting */
    synchronized Snapshot snapshot() {
        List<List<MetricData>> copy = List.copyOf(intervals);
        List<MetricData> all = new ArrayList<>();
        copy.forEach(all::addAll);
        return new Snapshot(copy, all);
    }

    /** @param sent what the receiver accepted; removed (intervals dropped meanwhile are ignored) */
    synchronized void acknowledge(Snapshot sent) {
        intervals.removeIf(i -> sent.intervals().stream().anyMatch(s -> s == i));
    }

    /** @return how many intervals were dropped because too many were waiting */
    synchronized long dropped() {
        return dropped;
    }
}
