package org.cartograph.sink.otlp.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsStats;
import org.cartograph.flow.FlowBatch;

/**
 * What the batches of one interval (one host, end time and length) add up to so far: per edge sums
 * ({@link Edge}) and the DNS statistics, never the flows themselves. Not thread-safe (the sink's
 * thread).
 */
final class IntervalSums {

    final String host;
    final Instant time;
    final Duration interval;
    /** The summed flows, per resource and point attributes. */
    final Map<Edge.Key, Edge> edges = new LinkedHashMap<>();
    /** The DNS statistics of the interval (carried by its last batch). */
    final List<DnsStats> dns = new ArrayList<>(0);
    /** How many batches were added. */
    int batches;
    /** When the last batch was added, in batches added to the accumulator. */
    long lastBatch;

    /** @param first the first batch seen of the interval; it is not added */
    IntervalSums(FlowBatch first) {
        host = first.host();
        time = first.time();
        interval = first.interval();
    }

    /**
     * @param batch a batch
     * @return whether it belongs to this interval: same host, end time and length
     */
    boolean holds(FlowBatch batch) {
        return host.equals(batch.host()) && time.equals(batch.time()) && interval.equals(batch.interval());
    }

    /** @return the end of the interval in nanoseconds since the epoch */
    long endNanos() {
        return time.getEpochSecond() * 1_000_000_000L + time.getNano();
    }

    /** @return the start of the interval in nanoseconds since the epoch */
    long startNanos() {
        return endNanos() - interval.toNanos();
    }
}
