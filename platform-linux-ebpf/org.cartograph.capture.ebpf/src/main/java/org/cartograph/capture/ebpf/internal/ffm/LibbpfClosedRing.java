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
 * buffer and hands it to the consumer. The upcall never throws into native code. Waiting is an
 * {@code epoll_wait} on the reader's epoll descriptor (level-triggered on available data), apart
 * from consuming, so that one thread may wait while another consumes.
 */
final class LibbpfClosedRing implements ClosedRing {

    private static final int EINTR = 4;
    /** {@code struct epoll_event} on x86-64 (packed: 4 + 8 bytes). */
    private static final int EPOLL_EVENT_SIZE = 12;
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
    private final MemorySegment waitState;
    private final MemorySegment event;
    private final MemorySegment ring;
    private final int epollFd;
    private long failures;
    private boolean closed;

    LibbpfClosedRing(int mapFd, RecordConsumer consumer) throws KernelException {
        this.consumer = consumer;
        this.scratch = arena.allocate(ConnRecord.SIZE, 8);
        this.scratchBuffer = scratch.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.state = arena.allocate(Native.CALL_STATE);
        this.waitState = arena.allocate(Native.CALL_STATE);
        this.event = arena.allocate(EPOLL_EVENT_SIZE, 8);
        MemorySegment stub = Native.LINKER.upcallStub(SAMPLE.bindTo(this),
                FunctionDescriptor.of(Native.INT, Native.PTR, Native.PTR, Native.LONG), arena);
        try {
            this.ring = Native.check("ring_buffer__new(carto_closed)",
                    (MemorySegment) Libbpf.RING_BUFFER_NEW.invokeExact(state, mapFd, stub, MemorySegment.NULL, MemorySegment.NULL),
                    state);
            this.epollFd = Native.check("ring_buffer__epoll_fd(carto_closed)",
                    (int) Libbpf.RING_BUFFER_EPOLL_FD.invokeExact(state, ring), state);
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
    public boolean await(int timeoutMillis) throws KernelException {
        try {
            int r = (int) Libbpf.EPOLL_WAIT.invokeExact(waitState, epollFd, event, 1, timeoutMillis);
            if (r < 0) {
                int errno = Native.errno(waitState);
                if (errno == EINTR) {
                    return false;
                }
                throw Native.failure("epoll_wait(carto_closed)", errno);
            }
            return r > 0;
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
