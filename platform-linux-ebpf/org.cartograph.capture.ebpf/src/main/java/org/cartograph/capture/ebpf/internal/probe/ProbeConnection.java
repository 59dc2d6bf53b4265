package org.cartograph.capture.ebpf.internal.probe;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionVisitor;

/**
 * The agent's end of one probe connection (see {@link Frames}). A reader thread hands closed
 * connections to the core's buffer as they come and snapshot frames to the thread that asked for
 * the snapshot, through a pool of four buffers. Once it fails, it stays failed: the owner opens a
 * new one.
 */
final class ProbeConnection implements AutoCloseable {

    private static final int POOL = 4;
    private static final ByteBuffer END = ByteBuffer.allocate(0);
    private static final ByteBuffer FAILED = ByteBuffer.allocate(0);

    private final Path socket;
    private final SocketChannel channel;
    private final ClosedConnectionBuffer closed;
    private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(POOL);
    private final BlockingQueue<ByteBuffer> ready = new ArrayBlockingQueue<>(POOL + 2);
    private final CompletableFuture<Frames.Remote> welcome = new CompletableFuture<>();
    private final WireView closedView = new WireView();
    private final WireView openView = new WireView();
    private volatile Frames.Remote remote;
    private volatile String endError = "";
    private volatile String failure;
    private volatile boolean delivering;
    private volatile Thread reader;

    private ProbeConnection(Path socket, SocketChannel channel, ClosedConnectionBuffer closed) {
        this.socket = socket;
        this.channel = channel;
        this.closed = closed;
        for (int i = 0; i < POOL; i++) {
            free.add(ByteBuffer.allocateDirect(Frames.RECORD_PAYLOAD).order(ByteOrder.LITTLE_ENDIAN));
        }
    }

    /**
     * Connects and shakes hands.
     *
     * @param closed where closed connections go once {@link #deliver} is on
     * @param timeout how long the probe may take to answer
     * @throws IOException if no probe answers, or it refuses this agent; the message says which
     */
    static ProbeConnection open(Path socket, ClosedConnectionBuffer closed, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        ProbeConnection c = new ProbeConnection(socket, channel, closed);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            Frames.send(channel, Frames.HELLO, Frames.hello());
            c.reader = Thread.ofPlatform().name("cartograph-probe-reader").daemon().start(c::read);
            c.remote = c.welcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return c;
        } catch (ExecutionException e) {
            c.close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            c.close();
            throw new IOException("the probe did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            c.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to the probe");
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** @param on whether closed connections go to the core's buffer (else they are skipped) */
    void deliver(boolean on) {
        delivering = on;
    }

    /** @return what the probe said last (at the handshake or the end of a snapshot) */
    Frames.Remote remote() {
        return remote;
    }

    /** @return why the connection failed, or null while it works */
    String failure() {
        return failure;
    }

    /**
     * Asks for a snapshot and visits each open connection on this thread.
     *
     * @return the probe's error if its backend could not read the connections, else empty
     * @throws IOException if the connection fails or the probe does not answer in time; the
     *         connection is then closed
     */
    String snapshot(ConnectionVisitor visitor, Duration timeout) throws IOException {
        if (failure != null) {
            throw new IOException(failure);
        }
        boolean complete = false;
        try {
            Frames.send(channel, Frames.SNAPSHOT, new byte[0]);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                ByteBuffer b = ready.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (b == null) {
                    throw new IOException("the probe did not send the snapshot within " + timeout.toMillis() + " ms");
                }
                if (b == FAILED) {
                    throw new IOException(failure);
                }
                if (b == END) {
                    complete = true;
                    return endError;
                }
                try {
                    int n = b.getInt(0);
                    for (int i = 0; i < n; i++) {
                        visitor.visit(openView.at(b, 4 + i * WireRecord.SIZE));
                    }
                } finally {
                    free.add(b);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading a snapshot");
        } finally {
            if (!complete) {
                close();
            }
        }
    }

    private void read() {
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer records = ByteBuffer.allocateDirect(Frames.RECORD_PAYLOAD).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer status = ByteBuffer.allocate(Frames.MAX_PAYLOAD / 16).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (true) {
                int length = Frames.readHeader(channel, header);
                byte type = header.get(4);
                switch (type) {
                    case Frames.WELCOME -> {
                        Frames.readPayload(channel, status, length);
                        String error = Frames.error(status);
                        if (!error.isEmpty()) {
                            throw new IOException("the probe refused this agent: " + error);
                        }
                        welcome.complete(Frames.remote(status));
                    }
                    case Frames.CLOSED -> {
                        Frames.readPayload(channel, records, length);
                        int n = count(records, length);
                        for (int i = 0; i < n && delivering; i++) {
                            closed.offer(closedView.at(records, 4 + i * WireRecord.SIZE));
                        }
                    }
                    case Frames.OPEN -> {
                        ByteBuffer b = free.take();
                        Frames.readPayload(channel, b, length);
                        count(b, length);
                        ready.add(b);
                    }
                    case Frames.END -> {
                        Frames.readPayload(channel, status, length);
                        endError = Frames.error(status);
                        remote = Frames.remote(status);
                        ready.add(END);
                    }
                    default -> throw new IOException("probe protocol: unexpected frame type '" + (char) type + "'");
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            fail("interrupted");
        }
    }

    private static int count(ByteBuffer records, int length) throws IOException {
        int n = records.getInt(0);
        if (n < 0 || n > Frames.RECORDS_PER_FRAME || 4 + (long) n * WireRecord.SIZE != length) {
            throw new IOException("probe protocol: record frame of " + length + " bytes says " + n + " records");
        }
        return n;
    }

    private void fail(String why) {
        if (failure == null) {
            failure = "probe connection to " + socket + " failed: " + why;
        }
        welcome.completeExceptionally(new IOException(failure));
        ready.offer(FAILED);
        close();
    }

    /**
     * Closes the socket and ends the reader thread, also when it waits for a snapshot buffer that
     * an abandoned snapshot will not give back.
     */
    @Override
    public void close() {
        if (failure == null) {
            failure = "probe connection to " + socket + " closed";
        }
        try {
            channel.close();
        } catch (IOException e) {
            failure = failure + " (" + e.getMessage() + ")";
        }
        Thread r = reader;
        if (r != null && r != Thread.currentThread()) {
            r.interrupt();
        }
    }
}
