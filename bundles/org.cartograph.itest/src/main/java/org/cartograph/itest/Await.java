package org.cartograph.itest;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.opentest4j.AssertionFailedError;

/** Polls a condition until a deadline; never a bare sleep. */
public final class Await {

    private Await() {
    }

    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out after " + timeout.toSeconds() + "s waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }
}
