package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.cartograph.capture.ebpf.internal.ClosedRing;
import org.cartograph.capture.ebpf.internal.ConnRecord;
import org.cartograph.capture.ebpf.internal.KernelException;
import org.cartograph.capture.ebpf.internal.RecordConsumer;

/**
 * A libbpf {@code ring_buffer} reader with an upcall that copies each record into one reused
 * buffer and hands it to the consumer. The upcall never throws into native code.
 */
final class LibbpfClosedRing implements ClosedRing {

    private static final int EINTR = 4;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final MethodHandle SAMPLE;

    static {
        try {
            SAMPLE = MethodHandles.lookup().findVirtual(LibbpfClosedRing.class, "sample",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final RecordConsumer consumer;
    private final MemorySegment scratch;
    private final ByteBuffer scratchBuffer;
    private final MemorySegment state;
    private final MemorySegment ring;
    private long failures;
    private boolean closed;

    LibbpfClosedRing(int mapFd, RecordConsumer consumer) throws KernelException {
        this.consumer = consumer;
        this.scratch = arena.allocate(ConnRecord.SIZE, 8);
        this.scratchBuffer = scratch.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.state = arena.allocate(Native.CALL_STATE);
        MemorySegment stub = Native.LINKER.upcallStub(SAMPLE.bindTo(this),
                FunctionDescriptor.of(Native.INT, Native.PTR, Native.PTR, Native.LONG), arena);
        try {
            this.ring = Native.check("ring_buffer__new(carto_closed)",
                    (MemorySegment) Libbpf.RING_BUFFER_NEW.invokeExact(state, mapFd, stub, MemorySegment.NULL, MemorySegment.NULL),
                    state);
        } catch (KernelException | RuntimeException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw Native.rethrow(t);
        }
    }

    @SuppressWarnings("unused")
    private int sample(MemorySegment ctx, MemorySegment data, long size) {
        try {
            long n = Math.min(size, ConnRecord.SIZE);
            MemorySegment.copy(ALL, data.address(), scratch, 0, n);
            consumer.accept(scratchBuffer, 0);
        } catch (Throwable t) {
            failures++;
        }
        return 0;
    }

    /** @return records the consumer failed on (counted, never thrown into native code) */
    long failures() {
        return failures;
    }

    @Override
    public int poll(int timeoutMillis) throws KernelException {
        try {
            int r = (int) Libbpf.RING_BUFFER_POLL.invokeExact(state, ring, timeoutMillis);
            if (r == -EINTR) {
                return 0;
            }
            return Native.check("ring_buffer__poll(carto_closed)", r, state);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public int drain() throws KernelException {
        try {
            int r = (int) Libbpf.RING_BUFFER_CONSUME.invokeExact(state, ring);
            return Native.check("ring_buffer__consume(carto_closed)", r, state);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libbpf.RING_BUFFER_FREE.invokeExact(state, ring);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
