package org.cartograph.dns.internal.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import org.cartograph.dns.internal.DnsSocket;
import org.cartograph.dns.internal.DnsSockets;
import org.cartograph.dns.internal.NativeException;
import org.cartograph.dns.internal.SocketFilter;

/**
 * {@link DnsSockets} on Linux: {@code AF_PACKET}/{@code SOCK_DGRAM} sockets with the
 * {@link SocketFilter} program attached before they are bound (so no unfiltered packet is ever
 * queued), kernel receive timestamps ({@code SO_TIMESTAMPNS}) read with {@code recvmsg}, and
 * {@code setns} to open a socket inside another network namespace. The receive buffers belong to
 * this object and are used by the capture thread only; {@link #open} runs on the namespace
 * thread. Close it after every socket is closed.
 */
public final class LinuxDnsSockets implements DnsSockets, AutoCloseable {

    private static final int BUFFER = 65536;
    private static final int CONTROL = 128;
    private static final int RCVBUF = 4 << 20;

    private final Arena arena = Arena.ofShared();
    /** Capture thread only: everything below. */
    private final MemorySegment state = Libc.state(arena);
    private final MemorySegment data = arena.allocate(BUFFER, 16);
    private final MemorySegment control = arena.allocate(CONTROL, 16);
    private final MemorySegment iov = arena.allocate(16, 8);
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private MemorySegment pollfds = arena.allocate(8L * 64, 8);
    private int pollCapacity = 64;

    /** Sets up the receive structures. */
    public LinuxDnsSockets() {
        iov.set(ADDRESS, 0, data);
        iov.set(JAVA_LONG, 8, BUFFER);
        msghdr.set(ADDRESS, 0, MemorySegment.NULL);
        msghdr.set(JAVA_INT, 8, 0);
        msghdr.set(ADDRESS, 16, iov);
        msghdr.set(JAVA_LONG, 24, 1);
        msghdr.set(ADDRESS, 32, control);
    }

    @Override
    public DnsSocket open(Path netns, int[] ports) throws NativeException {
        List<SocketFilter.Insn> program = SocketFilter.program(ports);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.state(a);
            int self = -1;
            int target = -1;
            boolean switched = false;
            try {
                if (netns != null) {
                    self = (int) Libc.OPEN.invokeExact(st, a.allocateFrom("/proc/thread-self/ns/net"),
                            Libc.O_RDONLY | Libc.O_CLOEXEC);
                    if (self < 0) {
                        throw Libc.failure("open(/proc/thread-self/ns/net)", st);
                    }
                    target = (int) Libc.OPEN.invokeExact(st, a.allocateFrom(netns.toString()),
                            Libc.O_RDONLY | Libc.O_CLOEXEC);
                    if (target < 0) {
                        throw Libc.failure("open(" + netns + ")", st);
                    }
                    if ((int) Libc.SETNS.invokeExact(st, target, Libc.CLONE_NEWNET) != 0) {
                        throw Libc.failure("setns(" + netns + ")", st);
                    }
                    switched = true;
                }
                return new Socket(this, createSocket(a, st, program));
            } finally {
                if (switched && (int) Libc.SETNS.invokeExact(st, self, Libc.CLONE_NEWNET) != 0) {
                    throw new IllegalStateException("cannot return the namespace thread to its own namespace: "
                            + Libc.failure("setns(back)", st).getMessage());
                }
                Libc.closeQuietly(target);
                Libc.closeQuietly(self);
            }
        } catch (NativeException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected("open", t);
        }
    }

    private static int createSocket(Arena a, MemorySegment st, List<SocketFilter.Insn> program) throws Throwable {
        int fd = (int) Libc.SOCKET.invokeExact(st, Libc.AF_PACKET, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw Libc.failure("socket(AF_PACKET)", st);
        }
        try {
            MemorySegment filter = a.allocate(8L * program.size(), 8);
            for (int i = 0; i < program.size(); i++) {
                SocketFilter.Insn in = program.get(i);
                filter.set(JAVA_SHORT, 8L * i, (short) in.code());
                filter.set(JAVA_BYTE, 8L * i + 2, (byte) in.jt());
                filter.set(JAVA_BYTE, 8L * i + 3, (byte) in.jf());
                filter.set(JAVA_INT, 8L * i + 4, in.k());
            }
            MemorySegment fprog = a.allocate(16, 8);
            fprog.set(JAVA_SHORT, 0, (short) program.size());
            fprog.set(ADDRESS, 8, filter);
            if ((int) Libc.SETSOCKOPT.invokeExact(st, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, fprog, 16) != 0) {
                throw Libc.failure("setsockopt(SO_ATTACH_FILTER)", st);
            }
            MemorySegment one = a.allocateFrom(JAVA_INT, 1);
            if ((int) Libc.SETSOCKOPT.invokeExact(st, fd, Libc.SOL_SOCKET, Libc.SO_TIMESTAMPNS, one, 4) != 0) {
                throw Libc.failure("setsockopt(SO_TIMESTAMPNS)", st);
            }
            MemorySegment rcvbuf = a.allocateFrom(JAVA_INT, RCVBUF);
            if ((int) Libc.SETSOCKOPT.invokeExact(st, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, rcvbuf, 4) != 0) {
                throw Libc.failure("setsockopt(SO_RCVBUF)", st);
            }
            MemorySegment sll = a.allocate(20, 4);
            sll.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
            sll.set(JAVA_BYTE, 2, (byte) (Libc.ETH_P_ALL >>> 8));
            sll.set(JAVA_BYTE, 3, (byte) Libc.ETH_P_ALL);
            if ((int) Libc.BIND.invokeExact(st, fd, sll, 20) != 0) {
                throw Libc.failure("bind(AF_PACKET)", st);
            }
            return fd;
        } catch (Throwable t) {
            Libc.closeQuietly(fd);
            throw t;
        }
    }

    @Override
    public int await(DnsSocket[] sockets, int count, int timeoutMillis) throws NativeException {
        if (count > pollCapacity) {
            pollCapacity = Integer.highestOneBit(count) << 1;
            pollfds = arena.allocate(8L * pollCapacity, 8);
        }
        for (int i = 0; i < count; i++) {
            pollfds.set(JAVA_INT, 8L * i, sockets[i].fd());
            pollfds.set(JAVA_SHORT, 8L * i + 4, (short) Libc.POLLIN);
            pollfds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
        }
        try {
            int n = (int) Libc.POLL.invokeExact(state, pollfds, (long) count, timeoutMillis);
            if (n < 0) {
                if (Libc.errno(state) == Libc.EINTR) {
                    return 0;
                }
                throw Libc.failure("poll", state);
            }
            return n;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected("poll", t);
        }
    }

    int receive(int fd, byte[] into, Socket socket) throws NativeException {
        msghdr.set(JAVA_LONG, 40, CONTROL);
        msghdr.set(JAVA_INT, 48, 0);
        long n;
        try {
            n = (long) Libc.RECVMSG.invokeExact(state, fd, msghdr, Libc.MSG_DONTWAIT);
        } catch (Throwable t) {
            throw Libc.unexpected("recvmsg", t);
        }
        if (n < 0) {
            int errno = Libc.errno(state);
            if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                return 0;
            }
            throw Libc.failure("recvmsg", state);
        }
        int len = (int) Math.min(n, into.length);
        MemorySegment.copy(data, JAVA_BYTE, 0, into, 0, len);
        socket.timestamp = timestamp();
        return len;
    }

    private long timestamp() {
        long controlLen = msghdr.get(JAVA_LONG, 40);
        long off = 0;
        while (off + 16 <= controlLen) {
            long cmsgLen = control.get(JAVA_LONG, off);
            int level = control.get(JAVA_INT, off + 8);
            int type = control.get(JAVA_INT, off + 12);
            if (cmsgLen < 16 || off + cmsgLen > controlLen) {
                break;
            }
            if (level == Libc.SOL_SOCKET && type == Libc.SO_TIMESTAMPNS && cmsgLen >= 32) {
                return control.get(JAVA_LONG, off + 16) * 1_000_000_000L + control.get(JAVA_LONG, off + 24);
            }
            off += (cmsgLen + 7) & ~7L;
        }
        return 0;
    }

    long takeDrops(int fd) throws NativeException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Libc.state(a);
            MemorySegment stats = a.allocate(8, 4);
            MemorySegment len = a.allocateFrom(JAVA_INT, 8);
            if ((int) Libc.GETSOCKOPT.invokeExact(st, fd, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, stats, len) != 0) {
                throw Libc.failure("getsockopt(PACKET_STATISTICS)", st);
            }
            return Integer.toUnsignedLong(stats.get(JAVA_INT, 4));
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.unexpected("getsockopt", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /** One packet socket. */
    static final class Socket implements DnsSocket {
        private final LinuxDnsSockets owner;
        private volatile int fd;
        long timestamp;

        Socket(LinuxDnsSockets owner, int fd) {
            this.owner = owner;
            this.fd = fd;
        }

        @Override
        public int receive(byte[] into) throws NativeException {
            return owner.receive(fd, into, this);
        }

        @Override
        public long lastTimestampNanos() {
            return timestamp;
        }

        @Override
        public long takeKernelDrops() throws NativeException {
            return owner.takeDrops(fd);
        }

        @Override
        public int fd() {
            return fd;
        }

        @Override
        public void close() {
            int f = fd;
            fd = -1;
            Libc.closeQuietly(f);
        }
    }
}
