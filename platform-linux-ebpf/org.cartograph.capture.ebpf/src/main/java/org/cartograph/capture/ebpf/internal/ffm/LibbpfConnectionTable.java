package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.cartograph.capture.ebpf.internal.ConnRecord;
import org.cartograph.capture.ebpf.internal.ConnectionTable;
import org.cartograph.capture.ebpf.internal.KernelException;
import org.cartograph.capture.ebpf.internal.RecordConsumer;

/**
 * Reads a hash map whose values are {@link ConnRecord}s ({@code carto_conns}, {@code carto_peers})
 * with {@code bpf_map_lookup_batch} into reused buffers.
 */
final class LibbpfConnectionTable implements ConnectionTable {

    static final int CHUNK = 1024;
    private static final int ENOENT = 2;

    private final int fd;
    private final String call;
    private final MemorySegment state;
    private final MemorySegment keys;
    private final MemorySegment values;
    private final ByteBuffer valueBuffer;
    private final MemorySegment inBatch;
    private final MemorySegment outBatch;
    private final MemorySegment count;

    LibbpfConnectionTable(Arena arena, int fd, String name, int keySize) {
        this.fd = fd;
        this.call = "bpf_map_lookup_batch(" + name + ")";
        this.state = arena.allocate(Native.CALL_STATE);
        this.keys = arena.allocate((long) keySize * CHUNK, 8);
        this.values = arena.allocate((long) ConnRecord.SIZE * CHUNK, 8);
        this.valueBuffer = values.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.inBatch = arena.allocate(8, 8);
        this.outBatch = arena.allocate(8, 8);
        this.count = arena.allocate(ValueLayout.JAVA_INT);
    }

    @Override
    public int forEach(RecordConsumer consumer) throws KernelException {
        int total = 0;
        MemorySegment in = MemorySegment.NULL;
        while (true) {
            count.set(ValueLayout.JAVA_INT, 0, CHUNK);
            int r;
            try {
                r = (int) Libbpf.MAP_LOOKUP_BATCH.invokeExact(state, fd, in, outBatch, keys, values, count, MemorySegment.NULL);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
            boolean done = r < 0;
            if (done && -r != ENOENT) {
                Native.check(call, r, state);
            }
            int n = count.get(ValueLayout.JAVA_INT, 0);
            for (int i = 0; i < n; i++) {
                consumer.accept(valueBuffer, i * ConnRecord.SIZE);
            }
            total += n;
            if (done) {
                return total;
            }
            MemorySegment.copy(outBatch, 0, inBatch, 0, 8);
            in = inBatch;
        }
    }
}
