package org.cartograph.capture.ebpf.internal;

/** The kernel map of open connections ({@code carto_conns}). Used from one thread at a time. */
public interface ConnectionTable {

    /**
     * Reads every entry in batches into reused buffers; allocates nothing per entry.
     *
     * @param consumer receives each record
     * @return the number of records read
     * @throws KernelException if the map cannot be read
     */
    int forEach(RecordConsumer consumer) throws KernelException;
}
