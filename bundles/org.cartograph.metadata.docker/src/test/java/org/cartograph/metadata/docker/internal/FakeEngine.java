package org.cartograph.metadata.docker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted HTTP server on a unix-domain socket: each request's path goes to a function that
 * returns the raw bytes to answer with; {@code null} sends the headers of a chunked response and
 * holds the connection open (an events stream with nothing to say) until {@link #close()}.
 */
final class FakeEngine implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile Function<String, byte[]> script;

    FakeEngine(Path socket, Function<String, byte[]> script) throws IOException {
        this.socket = socket;
        this.script = script;
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::accept, "fake-engine");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static byte[] response(int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + b.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        return all;
    }

    static byte[] chunked(String... chunks) {
        StringBuilder sb = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String c : chunks) {
            sb.append(Integer.toHexString(c.getBytes(StandardCharsets.UTF_8).length)).append("\r\n").append(c).append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    void script(Function<String, byte[]> s) {
        this.script = s;
    }

    List<String> requests() {
        return requests;
    }

    /** Closes held connections (ends open event streams). */
    void dropConnections() throws IOException {
        for (SocketChannel c : open) {
            c.close();
        }
        open.clear();
    }

    Path socket() {
        return socket;
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread t = new Thread(() -> serve(ch), "fake-engine-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
        try {
            InputStream in = Channels.newInputStream(ch);
            String requestLine = EngineClient.readHeaderLine(in);
            String line;
            while ((line = EngineClient.readHeaderLine(in)) != null && !line.isEmpty()) {
                // headers are not needed
            }
            String path = requestLine == null ? "" : requestLine.split(" ")[1];
            requests.add(path);
            byte[] answer = script.apply(path);
            OutputStream out = Channels.newOutputStream(ch);
            if (answer == null) {
                open.add(ch);
                out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            out.write(answer);
            out.flush();
            ch.close();
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already broken
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        acceptor.interrupt();
        Files.deleteIfExists(socket);
    }
}
