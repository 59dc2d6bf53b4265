package org.cartograph.capture.ebpf.internal.probe;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a running {@link CaptureBackend} to one agent at a time over a Unix socket (see
 * {@link Frames}): snapshots on request, closed connections as they come. A new agent connection
 * replaces the previous one (the agent restarted). The socket file is readable and writable by
 * its owner and group only.
 */
final class ProbeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeServer.class);

    private final CaptureBackend backend;
    private final ClosedQueue closed;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Object backendLock = new Object();
    private final AtomicReference<Session> current = new AtomicReference<>();
    private final AtomicLong sessions = new AtomicLong();
    private volatile boolean open = true;
    private Thread acceptor;

    private ProbeServer(CaptureBackend backend, ClosedQueue closed, Path socket, ServerSocketChannel server) {
        this.backend = backend;
        this.closed = closed;
        this.socket = socket;
        this.server = server;
    }

    /**
     * Binds the socket, replacing a stale file left by a probe that died.
     *
     * @param group the group that may connect, or empty for the owner's
     * @throws IOException if another probe answers there, or the socket cannot be made
     */
    static ProbeServer bind(Path socket, String group, CaptureBackend backend, ClosedQueue closed) throws IOException {
        if (Files.exists(socket)) {
            try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                throw new IOException("another probe listens on " + socket);
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().startsWith("another probe")) {
                    throw stale;
                }
                Files.delete(socket);
            }
        }
        if (socket.getParent() != null) {
            Files.createDirectories(socket.getParent());
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            if (!group.isEmpty()) {
                GroupPrincipal g = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(g);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        return new ProbeServer(backend, closed, socket, server);
    }

    /** Starts accepting agents. */
    void start() {
        acceptor = Thread.ofPlatform().name("cartograph-probe-accept").daemon().start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (open) {
            try {
                SocketChannel channel = server.accept();
                Session s = new Session(channel, sessions.incrementAndGet());
                Thread.ofPlatform().name("cartograph-probe-session-" + s.id).daemon().start(s::serve);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("Cannot accept an agent connection: {}", e.getMessage());
            }
        }
    }

    /**
     * @return the backend's status with the probe's own drops; connections closed while no agent
     *         was connected are not drops (nobody was collecting, as with no agent at all) and
     *         are told in the message
     */
    private CaptureStatus status() {
        CaptureStatus s = backend.status();
        Map<String, Long> drops = new LinkedHashMap<>(s.dropsByCause());
        if (closed.fullDrops() > 0) {
            drops.put("probe_queue_full", closed.fullDrops());
        }
        String message = s.message();
        if (closed.noAgentDrops() > 0) {
            message = message + "; " + closed.noAgentDrops() + " connections closed while no agent was connected";
        }
        return new CaptureStatus(s.backend(), s.variant(), s.running(), s.cannotSee(), drops, message);
    }

    private byte[] statusPayload(String error) throws IOException {
        return Frames.status(error, backend.capabilities().features(), status());
    }

    /** Stops serving, ends the agent's connection and removes the socket file. */
    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Closing the probe socket: {}", e.getMessage());
        }
        Session s = current.get();
        if (s != null) {
            s.end("the probe stops");
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Cannot remove {}: {}", socket, e.getMessage());
        }
    }

    /** One agent connection. */
    private final class Session {

        final long id;
        final SocketChannel channel;
        final ReentrantLock write = new ReentrantLock();
        /** Guarded by write. */
        final ByteBuffer closedFrame = Frames.frameBuffer(Frames.RECORD_PAYLOAD);
        /** Guarded by write. */
        final ByteBuffer openFrame = Frames.frameBuffer(Frames.RECORD_PAYLOAD);
        final WireRecord encoder = new WireRecord();
        /** Connections open when this agent connected; written before its first snapshot. */
        volatile KnownCookies known = KnownCookies.NONE;

        Session(SocketChannel channel, long id) {
            this.channel = channel;
            this.id = id;
            closedFrame.position(Frames.HEADER);
            openFrame.position(Frames.HEADER);
        }

        void serve() {
            ByteBuffer header = ByteBuffer.allocate(Frames.HEADER).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer payload = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            try {
                int length = Frames.readHeader(channel, header);
                if (header.get(4) != Frames.HELLO) {
                    throw new IOException("probe protocol: the agent did not start with a hello");
                }
                Frames.readPayload(channel, payload, length);
                try {
                    Frames.checkHello(payload);
                } catch (IOException e) {
                    Frames.send(channel, Frames.WELCOME, statusPayload(e.getMessage()));
                    throw e;
                }
                Session previous = current.getAndSet(this);
                if (previous != null) {
                    previous.end("replaced by a new agent connection");
                }
                closed.accept(true);
                knowOpenConnections();
                write.lock();
                try {
                    Frames.send(channel, Frames.WELCOME, statusPayload(""));
                } finally {
                    write.unlock();
                }
                LOG.info("Agent connected (connection {})", id);
                Thread.ofPlatform().name("cartograph-probe-closed-" + id).daemon().start(this::pump);
                while (open) {
                    length = Frames.readHeader(channel, header);
                    if (header.get(4) != Frames.SNAPSHOT) {
                        throw new IOException("probe protocol: unexpected frame type '" + (char) header.get(4) + "'");
                    }
                    Frames.readPayload(channel, payload, length);
                    snapshot();
                }
            } catch (EOFException e) {
                end("the agent disconnected");
            } catch (IOException | RuntimeException e) {
                end(String.valueOf(e.getMessage()));
            }
        }

        /** Remembers the connections open now: for this agent they are pre-existing. */
        private void knowOpenConnections() {
            synchronized (backendLock) {
                try {
                    known = KnownCookies.of(backend);
                } catch (CaptureException e) {
                    known = KnownCookies.NONE;
                    LOG.warn("Cannot read the open connections for agent connection {}: {}", id, e.getMessage());
                }
                closed.known(known);
            }
        }

        /**
         * Sends closed connections while this is the agent's connection: a frame's worth at once,
         * else what came within {@link ClosedQueue#SEND_MILLIS}.
         */
        private void pump() {
            try {
                while (current.get() == this && channel.isOpen()) {
                    if (closed.await(ClosedQueue.SEND_MILLIS) && current.get() == this) {
                        write.lock();
                        try {
                            flushClosed();
                        } finally {
                            write.unlock();
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                end("cannot send closed connections: " + e.getMessage());
            }
        }

        /** Sends every closed connection waiting, then each open one, then the end with status. */
        private void snapshot() throws IOException {
            synchronized (backendLock) {
                write.lock();
                try {
                    String error = "";
                    int[] n = {0};
                    openFrame.clear().position(Frames.HEADER);
                    openFrame.putInt(0);
                    try {
                        backend.snapshot(v -> {
                            if (n[0] == Frames.RECORDS_PER_FRAME) {
                                sendOpen(n[0]);
                                n[0] = 0;
                            }
                            int base = openFrame.position();
                            encoder.encode(v, openFrame);
                            if (known.contains(v.cookie())) {
                                WireRecord.markPreexisting(openFrame, base);
                            }
                            n[0]++;
                        });
                    } catch (CaptureException e) {
                        error = String.valueOf(e.getMessage());
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                    if (n[0] > 0) {
                        sendOpen(n[0]);
                    } else {
                        openFrame.clear().position(Frames.HEADER);
                        flushClosed();
                    }
                    Frames.send(channel, Frames.END, statusPayload(error));
                } finally {
                    write.unlock();
                }
            }
        }

        /** Sends the closed connections read so far, then an open frame of {@code n} records. */
        private void sendOpen(int n) {
            try {
                flushClosed();
                openFrame.putInt(Frames.HEADER, n);
                Frames.send(channel, openFrame, Frames.OPEN);
                openFrame.putInt(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Sends every closed connection waiting. Call with the write lock held. */
        void flushClosed() throws IOException {
            while (closed.drainTo(closedFrame) > 0) {
                Frames.send(channel, closedFrame, Frames.CLOSED);
            }
        }

        void end(String why) {
            if (current.compareAndSet(this, null)) {
                long lost = closed.accept(false);
                LOG.info("Agent connection {} ended: {}{}", id, why,
                        lost > 0 ? " (" + lost + " closed connections not sent)" : "");
            }
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Closing agent connection {}: {}", id, e.getMessage());
            }
        }
    }
}
