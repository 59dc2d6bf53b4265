package org.cartograph.flow;

/**
 * A summary of DNS answer latencies: how many, their sum, and two percentiles, in microseconds.
 * Immutable and safe to share between threads.
 *
 * @param count     answers measured
 * @param sumMicros sum of their latencies in microseconds
 * @param p50Micros median latency in microseconds (0 when {@code count} is 0)
 * @param p99Micros 99th percentile latency in microseconds (0 when {@code count} is 0)
 */
public record DnsLatency(long count, long sumMicros, long p50Micros, long p99Micros) {

    /** No answers. */
    public static final DnsLatency NONE = new DnsLatency(0, 0, 0, 0);
}
