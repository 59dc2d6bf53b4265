package org.cartograph.metadata.docker.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 client for the Docker Engine API over a unix-domain or TCP socket: one
 * connection per request ({@code Connection: close}), bodies by {@code Content-Length}, chunked
 * encoding or end of stream, each bounded in size. Requests are bounded in time by closing the
 * channel from the watchdog executor. Thread-safe: it holds no connection between calls.
 */
final class EngineClient {

    /** A complete response. */
    record Response(int status, byte[] body) {
    }

    /** An open streaming response (the events stream); {@link #close()} unblocks a reader. */
    static final class Stream implements Closeable {
        private final SocketChannel channel;
        private final InputStream body;
        private final int maxLineBytes;

        Stream(SocketChannel channel, InputStream body, int maxLineBytes) {
            this.channel = channel;
            this.body = body;
            this.maxLineBytes = maxLineBytes;
        }

        /**
         * Blocks until the next non-empty line.
         *
         * @return the line, or null at end of stream
         * @throws IOException on a read error, a line longer than the bound, or after {@link #close()}
         */
        String readLine() throws IOException {
            while (true) {
                ByteArrayOutputStream line = new ByteArrayOutputStream(512);
                int b;
                while ((b = body.read()) >= 0 && b != '\n') {
                    if (line.size() >= maxLineBytes) {
                        throw new IOException("event line longer than " + maxLineBytes + " bytes");
                    }
                    line.write(b);
                }
                if (b < 0 && line.size() == 0) {
                    return null;
                }
                String s = line.toString(StandardCharsets.UTF_8).strip();
                if (!s.isEmpty()) {
                    return s;
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final DockerEndpoint endpoint;
    private final Duration timeout;
    private final int maxBodyBytes;
    private final ScheduledExecutorService watchdog;

    /**
     * @param endpoint     where the API listens
     * @param timeout      bound on one request, connect to last byte
     * @param maxBodyBytes bound on one response body (and on one event line)
     * @param watchdog     runs the timeouts
     */
    EngineClient(DockerEndpoint endpoint, Duration timeout, int maxBodyBytes, ScheduledExecutorService watchdog) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.maxBodyBytes = maxBodyBytes;
        this.watchdog = watchdog;
    }

    /**
     * @param path the request path and query, e.g. {@code /v1.41/containers/json}
     * @return the response, whatever its status
     * @throws IOException when the socket is missing or refuses, the time bound passes, the
     *                     response is not HTTP or its body is larger than the bound
     */
    Response get(String path) throws IOException {
        SocketChannel channel = connect();
        ScheduledFuture<?> timer = watchdog.schedule(() -> closeQuietly(channel), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try (channel) {
            InputStream in = send(channel, path);
            int status = readStatus(in);
            InputStream body = bodyOf(in, readHeaders(in));
            return new Response(status, readBounded(body));
        } catch (IOException e) {
            throw timedOut(timer, path, e);
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Opens a streaming request; the status line and headers are read within the time bound.
     *
     * @param path the request path and query
     * @return the open stream
     * @throws IOException as for {@link #get}, or when the status is not 200
     */
    Stream stream(String path) throws IOException {
        SocketChannel channel = connect();
        ScheduledFuture<?> timer = watchdog.schedule(() -> closeQuietly(channel), timeout.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            InputStream in = send(channel, path);
            int status = readStatus(in);
            InputStream body = bodyOf(in, readHeaders(in));
            if (!timer.cancel(false)) {
                throw new IOException("no response headers from " + endpoint.text() + " within "
                        + timeout.toMillis() + " ms for " + path);
            }
            if (status != 200) {
                throw new IOException("HTTP " + status + " from " + endpoint.text() + " for " + path + ": "
                        + abbreviate(new String(readBounded(body), StandardCharsets.UTF_8)));
            }
            return new Stream(channel, body, maxBodyBytes);
        } catch (IOException e) {
            closeQuietly(channel);
            throw timedOut(timer, path, e);
        } catch (RuntimeException e) {
            timer.cancel(false);
            closeQuietly(channel);
            throw e;
        }
    }

    /** @return an exception saying the time bound passed when the watchdog closed the channel, else {@code e} */
    private IOException timedOut(ScheduledFuture<?> timer, String path, IOException e) {
        if (!timer.cancel(false) && !timer.isCancelled()) {
            return new IOException("no complete answer from " + endpoint.text() + " within " + timeout.toMillis()
                    + " ms for " + path, e);
        }
        return e;
    }

    private SocketChannel connect() throws IOException {
        if (endpoint.address() instanceof UnixDomainSocketAddress unix) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(unix);
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot connect to Docker socket " + unix.getPath() + ": " + e.getMessage(), e);
            }
            return ch;
        }
        InetSocketAddress tcp = (InetSocketAddress) endpoint.address();
        try {
            return SocketChannel.open(new InetSocketAddress(tcp.getHostString(), tcp.getPort()));
        } catch (IOException e) {
            throw new IOException("cannot connect to Docker host " + endpoint.text() + ": " + e.getMessage(), e);
        }
    }

    private static InputStream send(SocketChannel channel, String path) throws IOException {
        OutputStream out = Channels.newOutputStream(channel);
        String request = "GET " + path + " HTTP/1.1\r\nHost: docker\r\nUser-Agent: cartograph\r\n"
                + "Accept: application/json\r\nConnection: close\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new BufferedInputStream(Channels.newInputStream(channel), 8192);
    }

    private static int readStatus(InputStream in) throws IOException {
        String line = readHeaderLine(in);
        if (line == null || !line.startsWith("HTTP/1.") || line.length() < 12) {
            throw new IOException("not an HTTP response: '" + abbreviate(line == null ? "" : line) + "'");
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: '" + abbreviate(line) + "'", e);
        }
    }

    /** @return the content length, -1 when absent, -2 for chunked encoding */
    private static long readHeaders(InputStream in) throws IOException {
        long length = -1;
        int total = 0;
        String line;
        while ((line = readHeaderLine(in)) != null && !line.isEmpty()) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("HTTP headers larger than " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                length = -2;
            } else if (name.equals("content-length") && length != -2) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length '" + abbreviate(value) + "'", e);
                }
            }
        }
        if (line == null) {
            throw new IOException("connection closed inside the HTTP headers");
        }
        return length;
    }

    private InputStream bodyOf(InputStream in, long length) throws IOException {
        if (length == -2) {
            return new ChunkedInputStream(in);
        }
        if (length > maxBodyBytes) {
            throw new IOException("response body of " + length + " bytes is larger than the bound of "
                    + maxBodyBytes + " bytes");
        }
        return length >= 0 ? new BoundedInputStream(in, length) : in;
    }

    private byte[] readBounded(InputStream body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = body.read(buf)) >= 0) {
            if (out.size() + n > maxBodyBytes) {
                throw new IOException("response body larger than the bound of " + maxBodyBytes + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static String readHeaderLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() >= MAX_HEADER_BYTES) {
                throw new IOException("HTTP header line longer than " + MAX_HEADER_BYTES + " bytes");
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing is all that is wanted
        }
    }
}
