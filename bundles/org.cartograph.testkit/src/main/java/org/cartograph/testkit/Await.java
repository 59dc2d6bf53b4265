package org.cartograph.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, polling; never a bare sleep. */
public final class Await {

    private Await() {
    }

    /**
     * @param timeout   how long at most
     * @param what      what is awaited, for the failure message
     * @param condition polled every 50 ms
     * @throws AssertionError naming what was awaited when the deadline passes
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
