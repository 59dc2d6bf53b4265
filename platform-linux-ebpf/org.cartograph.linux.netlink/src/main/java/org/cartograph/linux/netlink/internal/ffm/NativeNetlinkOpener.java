package org.cartograph.linux.netlink.internal.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkSocket;
import org.cartograph.linux.netlink.internal.Namespaces;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Opens netlink sockets through libc. A socket for another network namespace is created on one
 * dedicated thread that enters the namespace with {@code setns}, creates and binds the socket (a
 * socket stays in the namespace it was created in) and returns to the agent's namespace before
 * doing anything else. No other thread ever changes namespace. One instance serves every user;
 * each polling thread gets its own {@code pollfd} array, allocated on its first poll.
 */
@Component(service = NetlinkOpener.class)
public final class NativeNetlinkOpener implements NetlinkOpener {

    private static final int RECEIVE_BUFFER = 64 * 1024;
    private static final Path OWN = Path.of("/proc/self/ns/net");
    private static final int MAX_POLL = 1024;

    /** One thread's {@code poll(2)} buffers: errno state and {@code struct pollfd[MAX_POLL]}. */
    private record PollBuffers(MemorySegment state, MemorySegment fds) {
        static PollBuffers allocate() {
            Arena arena = Arena.ofAuto();
            return new PollBuffers(arena.allocate(Libc.CALL_STATE), arena.allocate(8L * MAX_POLL, 8));
        }
    }

    private final ExecutorService namespaceThread;
    private final long ownNetns;
    private final Namespaces namespaces = new Namespaces(Path.of("/proc"), Path.of("/var/run/netns"));
    private final ThreadLocal<PollBuffers> pollBuffers = ThreadLocal.withInitial(PollBuffers::allocate);

    /**
     * Reads the agent's own namespace and starts the namespace thread.
     *
     * @throws NetlinkException if the agent's own namespace cannot be read
     */
    @Activate
    public NativeNetlinkOpener() throws NetlinkException {
        this.ownNetns = inode(OWN);
        this.namespaceThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cartograph-netlink-netns");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param namespace a namespace file
     * @return its inode
     * @throws NetlinkException naming {@code stat}
     */
    public static long inode(Path namespace) throws NetlinkException {
        try {
            return ((Number) Files.getAttribute(namespace, "unix:ino")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new NetlinkException("stat", 0, namespace + ": " + e.getMessage());
        }
    }

    @Override
    public long ownNetns() {
        return ownNetns;
    }

    @Override
    public Map<Long, Path> namespaces() {
        return namespaces.scan();
    }

    @Override
    public NetlinkSocket open(int protocol, int groups, Path namespace, int receiveBuffer, int timeoutMillis)
            throws NetlinkException {
        if (namespace == null) {
            return create(protocol, groups, ownNetns, receiveBuffer, timeoutMillis);
        }
        long target = inode(namespace);
        if (target == ownNetns) {
            return create(protocol, groups, ownNetns, receiveBuffer, timeoutMillis);
        }
        Future<NetlinkSocket> f = namespaceThread.submit(() -> inNamespace(namespace, target, protocol, groups,
                receiveBuffer, timeoutMillis));
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NetlinkException ne) {
                throw ne;
            }
            throw new NetlinkException("setns", 0, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("setns", 0, "interrupted");
        }
    }

    private NetlinkSocket inNamespace(Path namespace, long target, int protocol, int groups, int receiveBuffer,
                                      int timeoutMillis) throws NetlinkException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int home = openFile(arena, state, OWN);
            try {
                int ns = openFile(arena, state, namespace);
                try {
                    setns(state, ns, namespace.toString());
                } finally {
                    Libc.closeQuietly(ns, state);
                }
                try {
                    return create(protocol, groups, target, receiveBuffer, timeoutMillis);
                } finally {
                    setns(state, home, OWN.toString());
                }
            } finally {
                Libc.closeQuietly(home, state);
            }
        }
    }

    private static int openFile(Arena arena, MemorySegment state, Path file) throws NetlinkException {
        int fd;
        try {
            fd = (int) Libc.OPEN.invokeExact(state, arena.allocateFrom(file.toString()), Libc.O_RDONLY_CLOEXEC);
        } catch (Throwable t) {
            throw new NetlinkException("open", 0, String.valueOf(t));
        }
        if (fd < 0) {
            NetlinkException e = Libc.failure("open", state);
            throw new NetlinkException("open", e.errno(), file + ": " + Libc.strerror(e.errno()));
        }
        return fd;
    }

    private static void setns(MemorySegment state, int fd, String what) throws NetlinkException {
        int rc;
        try {
            rc = (int) Libc.SETNS.invokeExact(state, fd, Libc.CLONE_NEWNET);
        } catch (Throwable t) {
            throw new NetlinkException("setns", 0, String.valueOf(t));
        }
        if (rc != 0) {
            int errno = Libc.errno(state);
            throw new NetlinkException("setns", errno, what + ": " + Libc.strerror(errno));
        }
    }

    private static NetlinkSocket create(int protocol, int groups, long netns, int receiveBuffer, int timeoutMillis)
            throws NetlinkException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int fd = (int) Libc.SOCKET.invokeExact(state, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw Libc.failure("socket(AF_NETLINK, " + protocol + ")", state);
            }
            try {
                MemorySegment value = arena.allocate(JAVA_INT);
                value.set(JAVA_INT, 0, receiveBuffer);
                int rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, value, 4);
                if (rc != 0) {
                    rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, value, 4);
                    if (rc != 0) {
                        throw Libc.failure("setsockopt(SO_RCVBUF)", state);
                    }
                }
                MemorySegment timeval = arena.allocate(16, 8);
                timeval.set(JAVA_LONG, 0, timeoutMillis / 1000);
                timeval.set(JAVA_LONG, 8, (timeoutMillis % 1000) * 1000L);
                rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, 16);
                if (rc != 0) {
                    throw Libc.failure("setsockopt(SO_RCVTIMEO)", state);
                }
                MemorySegment address = arena.allocate(12, 4);
                address.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
                address.set(JAVA_INT, 8, groups);
                rc = (int) Libc.BIND.invokeExact(state, fd, address, 12);
                if (rc != 0) {
                    throw Libc.failure("bind(AF_NETLINK, groups " + groups + ")", state);
                }
                return new NativeNetlinkSocket(fd, netns, RECEIVE_BUFFER);
            } catch (NetlinkException e) {
                Libc.closeQuietly(fd, state);
                throw e;
            }
        } catch (NetlinkException e) {
            throw e;
        } catch (Throwable t) {
            throw new NetlinkException("socket", 0, String.valueOf(t));
        }
    }

    @Override
    public int poll(NetlinkSocket[] sockets, int count, int timeoutMillis, boolean[] ready)
            throws NetlinkException {
        PollBuffers buffers = pollBuffers.get();
        MemorySegment pollState = buffers.state();
        MemorySegment pollFds = buffers.fds();
        int n = Math.min(count, MAX_POLL);
        for (int i = 0; i < n; i++) {
            pollFds.set(JAVA_INT, i * 8L, ((NativeNetlinkSocket) sockets[i]).fd());
            pollFds.set(JAVA_SHORT, i * 8L + 4, Libc.POLLIN);
            pollFds.set(JAVA_SHORT, i * 8L + 6, (short) 0);
        }
        int rc;
        try {
            rc = (int) Libc.POLL.invokeExact(pollState, pollFds, (long) n, timeoutMillis);
        } catch (Throwable t) {
            throw new NetlinkException("poll", 0, String.valueOf(t));
        }
        if (rc < 0) {
            if (Libc.errno(pollState) == Libc.EINTR) {
                return 0;
            }
            throw Libc.failure("poll", pollState);
        }
        for (int i = 0; i < n; i++) {
            ready[i] = pollFds.get(JAVA_SHORT, i * 8L + 6) != 0;
        }
        return rc;
    }

    /** Stops the namespace thread. Never throws. */
    @Deactivate
    public void close() {
        namespaceThread.shutdownNow();
    }
}
