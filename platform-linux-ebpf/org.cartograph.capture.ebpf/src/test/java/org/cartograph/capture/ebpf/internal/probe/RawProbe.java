package org.cartograph.capture.ebpf.internal.probe;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A misbehaving "probe" for protocol tests: a plain Unix server socket that accepts one agent and
 * runs a script against it. Closing it closes both sockets and waits for the script's thread.
 */
final class RawProbe implements AutoCloseable {

    /** What the raw probe does with the agent's connection. */
    @FunctionalInterface
    interface Script {
        void run(SocketChannel agent) throws IOException;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final AtomicReference<SocketChannel> agent = new AtomicReference<>();
    private final Thread thread;

    /** Binds {@code socket} and runs {@code script} for the first agent that connects. */
    RawProbe(Path socket, Script script) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = Thread.ofPlatform().name("raw-probe").daemon().start(() -> {
            try (SocketChannel c = server.accept()) {
                agent.set(c);
                script.run(c);
                ByteBuffer sink = ByteBuffer.allocate(256);
                while (c.read(sink.clear()) >= 0) {
                    sink.clear();
                }
            } catch (IOException e) {
                // the agent or the test closed the socket: the script is over
            }
        });
    }

    /**
     * Reads one frame of the agent's.
     *
     * @return the frame type
     */
    static byte readFrame(SocketChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int length = Frames.readHeader(channel, header);
        Frames.readPayload(channel, ByteBuffer.allocate(length), length);
        return header.get(4);
    }

    /** Writes a raw frame header with any length field, then {@code payload}. */
    static void writeFrame(SocketChannel channel, int lengthField, byte type, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(Frames.HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(lengthField).put(type).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        SocketChannel c = agent.get();
        if (c != null) {
            c.close();
        }
        thread.join(Duration.ofSeconds(5));
        Files.deleteIfExists(socket);
    }
}
