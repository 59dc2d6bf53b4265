package org.cartograph.capture.ebpf.internal;

/**
 * The ring buffer closed connections arrive through ({@code carto_closed}); records go to the
 * consumer given when it was opened. {@link #await} may run on one thread while another drains;
 * callers serialise {@link #drain} calls, and close only once no thread awaits or drains.
 */
public interface ClosedRing extends AutoCloseable {

    /**
     * Waits until the kernel signals waiting records or the timeout passes; consumes nothing, so a
     * drain on another thread is never held up by this wait.
     *
     * @param timeoutMillis how long to wait at most
     * @return whether records are signalled (false after a timeout or EINTR)
     * @throws KernelException if waiting fails
     */
    boolean await(int timeoutMillis) throws KernelException;

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
