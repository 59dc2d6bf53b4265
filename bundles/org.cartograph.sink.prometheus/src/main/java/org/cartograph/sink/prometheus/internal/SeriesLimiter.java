package org.cartograph.sink.prometheus.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Caps the number of distinct label sets of one metric family. The first {@code limit} label
 * sets are admitted; a record whose label set is new once the cap is reached is counted under
 * the {@code other} label set (every label {@value #OTHER}) instead, and counted as overflow.
 * Label sets not seen for a while are expired, which frees their slots. Not thread-safe: used by
 * the sink's thread only; the counters it exposes are read through a snapshot.
 *
 * @param <S> what the caller keeps per label set (e.g. the metrics' data points)
 */
final class SeriesLimiter<S> {

    /** The value of every label of the overflow label set. */
    static final String OTHER = "other";

    /** A label set's state and when it was last seen. */
    private static final class Entry<S> {
        final S state;
        long lastSeenMillis;

        Entry(S state, long lastSeenMillis) {
            this.state = state;
            this.lastSeenMillis = lastSeenMillis;
        }
    }

    private final int limit;
    private final Function<List<String>, S> factory;
    private final Map<List<String>, Entry<S>> admitted = new HashMap<>();
    private final List<String> otherKey;
    private Entry<S> other;
    private long overflow;
    private long expired;

    /**
     * @param limit   label sets admitted besides {@code other}; at least 1
     * @param labels  how many labels a set has
     * @param factory makes the state of a newly admitted label set (called with the label values)
     */
    SeriesLimiter(int limit, int labels, Function<List<String>, S> factory) {
        if (limit < 1) {
            throw new IllegalArgumentException("series limit must be at least 1, not " + limit);
        }
        this.limit = limit;
        this.factory = factory;
        String[] o = new String[labels];
        Arrays.fill(o, OTHER);
        this.otherKey = List.of(o);
    }

    /**
     * @param values  the record's label values (copied when admitted)
     * @param nowMillis the batch's time
     * @return the state of that label set, or of {@code other} when the cap is reached
     */
    S admit(String[] values, long nowMillis) {
        List<String> key = Arrays.asList(values);
        Entry<S> e = admitted.get(key);
        if (e == null) {
            if (admitted.size() >= limit && !key.equals(otherKey)) {
                overflow++;
                return other(nowMillis).state;
            }
            if (key.equals(otherKey)) {
                return other(nowMillis).state;
            }
            List<String> copy = List.of(values.clone());
            e = new Entry<>(factory.apply(copy), nowMillis);
            admitted.put(copy, e);
        }
        e.lastSeenMillis = nowMillis;
        return e.state;
    }

    private Entry<S> other(long nowMillis) {
        if (other == null) {
            other = new Entry<>(factory.apply(otherKey), nowMillis);
        }
        other.lastSeenMillis = nowMillis;
        return other;
    }

    /**
     * Forgets label sets last seen before {@code cutoffMillis}.
     *
     * @param cutoffMillis label sets last seen before this time are expired
     * @return the expired label sets with their states, for the caller to remove from its metrics
     */
    List<Map.Entry<List<String>, S>> expire(long cutoffMillis) {
        List<Map.Entry<List<String>, S>> out = new ArrayList<>();
        for (Iterator<Map.Entry<List<String>, Entry<S>>> it = admitted.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<List<String>, Entry<S>> e = it.next();
            if (e.getValue().lastSeenMillis < cutoffMillis) {
                it.remove();
                out.add(Map.entry(e.getKey(), e.getValue().state));
            }
        }
        if (other != null && other.lastSeenMillis < cutoffMillis) {
            out.add(Map.entry(otherKey, other.state));
            other = null;
        }
        expired += out.size();
        return out;
    }

    /** @return label sets admitted now, {@code other} included when present */
    int active() {
        return admitted.size() + (other == null ? 0 : 1);
    }

    /** @return the cap */
    int limit() {
        return limit;
    }

    /** @return records counted under {@code other} because the cap was reached, since start */
    long overflow() {
        return overflow;
    }

    /** @return label sets expired since start */
    long expired() {
        return expired;
    }
}
