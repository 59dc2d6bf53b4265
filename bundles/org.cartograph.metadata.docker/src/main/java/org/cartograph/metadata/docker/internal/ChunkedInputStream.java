package org.cartograph.metadata.docker.internal;

import java.io.IOException;
import java.io.InputStream;

/** Decodes an HTTP/1.1 chunked body; ends at the last (empty) chunk. Not thread-safe. */
final class ChunkedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        if (!nextChunk()) {
            return -1;
        }
        int b = in.read();
        if (b < 0) {
            throw new IOException("connection closed inside a chunk");
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new IOException("connection closed inside a chunk");
        }
        remaining -= n;
        return n;
    }

    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        if (remaining > 0) {
            return true;
        }
        String size = EngineClient.readHeaderLine(in);
        if (size != null && size.isEmpty()) {
            size = EngineClient.readHeaderLine(in);
        }
        if (size == null) {
            done = true;
            return false;
        }
        int semi = size.indexOf(';');
        String hex = (semi >= 0 ? size.substring(0, semi) : size).strip();
        try {
            remaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size '" + EngineClient.abbreviate(size) + "'", e);
        }
        if (remaining < 0) {
            throw new IOException("negative chunk size '" + EngineClient.abbreviate(size) + "'");
        }
        if (remaining == 0) {
            done = true;
            return false;
        }
        return true;
    }
}
