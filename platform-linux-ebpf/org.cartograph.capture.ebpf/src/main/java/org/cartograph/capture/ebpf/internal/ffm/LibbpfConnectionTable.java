package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.cartograph.capture.ebpf.internal.ConnRecord;
import org.cartograph.capture.ebpf.internal.ConnectionTable;
import org.cartograph.capture.ebpf.internal.KernelException;
import org.cartograph.capture.ebpf.internal.RecordConsumer;

/**
 * Reads a hash map whose values are {@link ConnRecord}s ({@code carto_conns}, {@code carto_peers})
 * with {@code bpf_map_lookup_batch} into reused buffers, {@link BatchBuffers#CHUNK} records per call.
 */
final class LibbpfConnectionTable implements ConnectionTable {

    private static final int ENOENT = 2;

    private final int fd;
    private final String call;
    private final BatchBuffers buffers;

    LibbpfConnectionTable(BatchBuffers buffers, int fd, String name) {
        this.fd = fd;
        this.call = "bpf_map_lookup_batch(" + name + ")";
        this.buffers = buffers;
    }

    @Override
    public int forEach(RecordConsumer consumer) throws KernelException {
        BatchBuffers b = buffers;
        int total = 0;
        MemorySegment in = MemorySegment.NULL;
        while (true) {
            b.count.set(ValueLayout.JAVA_INT, 0, BatchBuffers.CHUNK);
            int r;
            try {
                r = (int) Libbpf.MAP_LOOKUP_BATCH.invokeExact(b.state, fd, in, b.outBatch, b.keys, b.values, b.count,
                        MemorySegment.NULL);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            boolean done = r < 0;
            if (done && -r != ENOENT) {
                Native.check(call, r, b.state);
            }
            int n = b.count.get(ValueLayout.JAVA_INT, 0);
            for (int i = 0; i < n; i++) {
                consumer.accept(b.valueBuffer, i * ConnRecord.SIZE);
            }
            total += n;
            if (done) {
                return total;
            }
            MemorySegment.copy(b.outBatch, 0, b.inBatch, 0, 8);
            in = b.inBatch;
        }
    }
}
