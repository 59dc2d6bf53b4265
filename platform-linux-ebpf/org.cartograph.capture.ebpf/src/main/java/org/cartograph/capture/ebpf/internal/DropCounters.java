package org.cartograph.capture.ebpf.internal;

/** The kernel's per-CPU loss counters ({@code carto_drops}). */
public interface DropCounters {

    /** Index of events lost because the ring buffer was full. */
    int RINGBUF_FULL = 0;
    /** Index of connections not tracked because the connection map was full. */
    int MAP_FULL = 1;

    /**
     * @param cause {@link #RINGBUF_FULL} or {@link #MAP_FULL}
     * @return the sum over all CPUs
     * @throws KernelException if the map cannot be read
     */
    long total(int cause) throws KernelException;
}
