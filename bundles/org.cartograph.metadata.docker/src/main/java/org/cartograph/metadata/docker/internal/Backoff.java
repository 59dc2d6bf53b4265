package org.cartograph.metadata.docker.internal;

import java.time.Duration;

/** Exponential backoff between reconnection attempts, reset after a success. Not thread-safe. */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long nextMillis;

    /**
     * @param initial the first delay
     * @param max     the largest delay
     */
    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
        this.nextMillis = initialMillis;
    }

    /** @return the delay before the next attempt; doubles each call up to the maximum */
    long nextDelayMillis() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, nextMillis * 2);
        return d;
    }

    /** Starts again from the first delay. */
    void reset() {
        nextMillis = initialMillis;
    }
}
