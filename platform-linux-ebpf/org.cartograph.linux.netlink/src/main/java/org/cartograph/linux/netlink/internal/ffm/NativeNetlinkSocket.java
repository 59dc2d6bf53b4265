package org.cartograph.linux.netlink.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;

import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOverrunException;
import org.cartograph.linux.netlink.NetlinkSocket;

/**
 * A netlink socket with its own send and receive buffers and errno state, allocated once; send and
 * receive allocate nothing.
 */
final class NativeNetlinkSocket implements NetlinkSocket {

    private static final int SEND_BUFFER = 4096;

    private final int fd;
    private final long netns;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(Libc.CALL_STATE);
    private final MemorySegment kernel;
    private final MemorySegment sendSegment = arena.allocate(SEND_BUFFER, 8);
    private final ByteBuffer sendBuffer = sendSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment receiveSegment;
    private final ByteBuffer receiveBuffer;
    private final AtomicBoolean closed = new AtomicBoolean();

    NativeNetlinkSocket(int fd, long netns, int receiveSize) {
        this.fd = fd;
        this.netns = netns;
        this.kernel = arena.allocate(12, 4);
        kernel.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        this.receiveSegment = arena.allocate(receiveSize, 8);
        this.receiveBuffer = receiveSegment.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    int fd() {
        return fd;
    }

    @Override
    public void send(ByteBuffer request) throws NetlinkException {
        int length = request.remaining();
        sendBuffer.clear();
        sendBuffer.put(sendBuffer.position(), request, request.position(), length);
        long sent;
        try {
            sent = (long) Libc.SENDTO.invokeExact(state, fd, sendSegment, (long) length, 0, kernel, 12);
        } catch (Throwable t) {
            throw new NetlinkException("sendto", 0, String.valueOf(t));
        }
        if (sent < 0) {
            throw Libc.failure("sendto", state);
        }
    }

    @Override
    public ByteBuffer receive() throws NetlinkException {
        long got;
        try {
            got = (long) Libc.RECVFROM.invokeExact(state, fd, receiveSegment, receiveSegment.byteSize(), 0,
                    MemorySegment.NULL, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new NetlinkException("recvfrom", 0, String.valueOf(t));
        }
        receiveBuffer.clear();
        if (got < 0) {
            int errno = Libc.errno(state);
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                receiveBuffer.limit(0);
                return receiveBuffer;
            }
            if (errno == Libc.ENOBUFS) {
                throw new NetlinkOverrunException(errno);
            }
            throw new NetlinkException("recvfrom", errno, Libc.strerror(errno));
        }
        receiveBuffer.limit((int) Math.min(got, receiveSegment.byteSize()));
        return receiveBuffer;
    }

    @Override
    public long netns() {
        return netns;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.closeQuietly(fd, state);
            try {
                arena.close();
            } catch (IllegalStateException inUse) {
                // a receive on another thread still holds the buffers; the GC-free arena is left to the JVM
            }
        }
    }

    @Override
    public String toString() {
        return "netlink socket fd " + fd + " netns " + netns;
    }
}
