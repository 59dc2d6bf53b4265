package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.cartograph.capture.ebpf.internal.DropCounters;
import org.cartograph.capture.ebpf.internal.KernelException;

/** Sums a per-CPU array of u64 counters. One thread at a time. */
final class LibbpfDropCounters implements DropCounters {

    private final int fd;
    private final int cpus;
    private final MemorySegment state;
    private final MemorySegment key;
    private final MemorySegment values;

    LibbpfDropCounters(Arena arena, int fd) throws KernelException {
        this.fd = fd;
        this.state = arena.allocate(Native.CALL_STATE);
        try {
            this.cpus = Native.check("libbpf_num_possible_cpus", (int) Libbpf.NUM_POSSIBLE_CPUS.invokeExact(state), state);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        this.key = arena.allocate(ValueLayout.JAVA_INT);
        this.values = arena.allocate(8L * cpus, 8);
    }

    @Override
    public long total(int cause) throws KernelException {
        key.set(ValueLayout.JAVA_INT, 0, cause);
        try {
            Native.check("bpf_map_lookup_elem(carto_drops)", (int) Libbpf.MAP_LOOKUP_ELEM.invokeExact(state, fd, key, values), state);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        long sum = 0;
        for (int i = 0; i < cpus; i++) {
            sum += values.getAtIndex(ValueLayout.JAVA_LONG, i);
        }
        return sum;
    }
}
