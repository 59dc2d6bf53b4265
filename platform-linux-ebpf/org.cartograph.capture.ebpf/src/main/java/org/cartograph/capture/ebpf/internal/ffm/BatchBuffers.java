package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.cartograph.capture.ebpf.internal.ConnRecord;

/**
 * The buffers one {@code bpf_map_lookup_batch} call fills: {@value #CHUNK} keys (of the largest key
 * size) and values. Shared by the tables of one program set, which are read one after the other on
 * the snapshot thread. Each non-empty hash bucket costs the kernel a lock and two copies to user
 * space whatever the chunk, so the chunk only saves syscalls: {@value #CHUNK} records (about 1 MiB)
 * make a 200,000-entry snapshot 25 calls instead of 196.
 */
final class BatchBuffers {

    /** Records per call. */
    static final int CHUNK = 8192;

    final MemorySegment state;
    final MemorySegment keys;
    final MemorySegment values;
    final ByteBuffer valueBuffer;
    final MemorySegment inBatch;
    final MemorySegment outBatch;
    final MemorySegment count;

    BatchBuffers(Arena arena, int maxKeySize) {
        this.state = arena.allocate(Native.CALL_STATE);
        this.keys = arena.allocate((long) maxKeySize * CHUNK, 8);
        this.values = arena.allocate((long) ConnRecord.SIZE * CHUNK, 8);
        this.valueBuffer = values.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.inBatch = arena.allocate(8, 8);
        this.outBatch = arena.allocate(8, 8);
        this.count = arena.allocate(ValueLayout.JAVA_INT);
    }
}
