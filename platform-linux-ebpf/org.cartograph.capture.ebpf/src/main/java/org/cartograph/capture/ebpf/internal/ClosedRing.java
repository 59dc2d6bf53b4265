package org.cartograph.capture.ebpf.internal;

/**
 * The ring buffer closed connections arrive through ({@code carto_closed}); records go to the
 * consumer given when it was opened. Not thread-safe: callers serialise poll, drain and close.
 */
public interface ClosedRing extends AutoCloseable {

    /**
     * Waits for a wakeup up to the timeout, then consumes what is ready.
     *
     * @param timeoutMillis how long to wait at most
     * @return records consumed
     * @throws KernelException if polling fails (EINTR is not a failure)
     */
    int poll(int timeoutMillis) throws KernelException;

    /**
     * Consumes everything waiting, without waiting for a wakeup.
     *
     * @return records consumed
     * @throws KernelException if consuming fails
     */
    int drain() throws KernelException;

    /** Frees the ring buffer reader. Never throws. */
    @Override
    void close();
}
