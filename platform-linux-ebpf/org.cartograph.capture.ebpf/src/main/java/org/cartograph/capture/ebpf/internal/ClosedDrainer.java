package org.cartograph.capture.ebpf.internal;

import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the closed-connection ring buffer on its own named thread: waits for the kernel's
 * (adaptive, batched) wakeup at most one interval, then consumes whatever is waiting, so records
 * that did not warrant a wakeup are still read within one interval. Consuming goes through
 * {@link #lock}, so the core thread may drain too ({@link #drainNow()}); the wait does not hold the
 * lock, so a snapshot never waits for the drain thread's timeout.
 */
final class ClosedDrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ClosedDrainer.class);

    private final ClosedRing ring;
    private final int intervalMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean running;
    /** Written by the drain thread, read by status. */
    private volatile String lastError = "";
    private Thread thread;

    ClosedDrainer(ClosedRing ring, int intervalMillis) {
        this.ring = ring;
        this.intervalMillis = intervalMillis;
    }

    synchronized void start(String name) {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    private void run() {
        while (running) {
            try {
                ring.await(intervalMillis);
                drainNow();
            } catch (KernelException | RuntimeException e) {
                lastError = e.getMessage();
                LOG.warn("Draining closed connections failed: {}", e.getMessage());
                running = false;
            }
        }
    }

    /** Consumes what is waiting, on the caller's thread. */
    void drainNow() throws KernelException {
        lock.lock();
        try {
            ring.drain();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the thread, waiting for it to end. */
    synchronized void stop() {
        running = false;
        Thread t = thread;
        thread = null;
        if (t != null) {
            try {
                t.join(10L * intervalMillis + 5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String lastError() {
        return lastError;
    }
}
