package org.cartograph.dns.internal;

/**
 * A small log-linear histogram of latencies in microseconds: exact below 8 µs, then 8 buckets per
 * power of two (at most ~6 % relative error), up to 2^40 µs. Keeps count, sum, min and max
 * exactly. Percentiles return the bucket's midpoint clamped to [min, max]. 1.2 KiB; not
 * thread-safe. (HdrHistogram 2.2.2 imports {@code javax.xml.bind}, which no Java 25 framework
 * provides, and is 10x larger per key.)
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 3;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_MSB = 39;
    private static final int BUCKETS = (MAX_MSB - SUB_BITS + 2) * SUB;
    private static final long MAX_VALUE = (1L << (MAX_MSB + 1)) - 1;

    private final int[] counts = new int[BUCKETS];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max;

    /** @param micros a latency; negative values count as 0, huge ones are capped */
    public void record(long micros) {
        long v = Math.min(Math.max(micros, 0), MAX_VALUE);
        counts[index(v)]++;
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (msb - SUB_BITS)) & (SUB - 1));
        return (msb - SUB_BITS + 1) * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int msb = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        return (long) (SUB + sub) << (msb - SUB_BITS);
    }

    static long width(int index) {
        if (index < SUB) {
            return 1;
        }
        int msb = index / SUB + SUB_BITS - 1;
        return 1L << (msb - SUB_BITS);
    }

    /** @return values recorded */
    public long count() {
        return count;
    }

    /** @return their sum */
    public long sum() {
        return sum;
    }

    /** @return the smallest value recorded, 0 if none */
    public long min() {
        return count == 0 ? 0 : min;
    }

    /** @return the largest value recorded, 0 if none */
    public long max() {
        return max;
    }

    /**
     * @param quantile between 0 and 1
     * @return the value at that quantile, 0 if empty
     */
    public long percentile(double quantile) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + width(i) / 2;
                return Math.min(Math.max(mid, min), max);
            }
        }
        return max;
    }

    /** @param other merged into this one */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        if (other.count > 0) {
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
    }
}
