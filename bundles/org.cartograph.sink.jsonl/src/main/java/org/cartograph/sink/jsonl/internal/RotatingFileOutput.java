package org.cartograph.sink.jsonl.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends to one file and rotates it by size: before a batch, if the file holds at least
 * {@code maxBytes}, {@code FILE.N-1} becomes {@code FILE.N} (the old {@code FILE.N} is deleted),
 * ..., {@code FILE} becomes {@code FILE.1}, and a new {@code FILE} is started. With
 * {@code maxFiles} 0 the full file is simply deleted.
 *
 * <p>Creates missing parent directories. If the file disappears between two batches (deleted, or
 * moved away by an external rotation) it is opened afresh. After {@link #abort()} the file is
 * cut back to its size before the failed batch, so a retried batch leaves no partial line.
 *
 * <p>Used only on the sink's own thread, except {@link #location()} and {@link #rotations()}.
 */
final class RotatingFileOutput implements LineOutput {

    private static final Logger LOG = LoggerFactory.getLogger(RotatingFileOutput.class);

    private final Path file;
    private final long maxBytes;
    private final int maxFiles;
    private final AtomicLong rotations = new AtomicLong();

    /** Guarded by the sink's thread; null while closed. */
    private FileChannel channel;
    /** Guarded by the sink's thread; the file's size when the current batch began, -1 before that. */
    private long sizeAtBegin = -1;

    /**
     * @param file     the file to write; its parent directories are created when needed
     * @param maxBytes rotate once the file holds at least this many bytes (at least 1)
     * @param maxFiles rotated files to keep (0 or more)
     */
    RotatingFileOutput(Path file, long maxBytes, int maxFiles) {
        if (maxBytes < 1 || maxFiles < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 1 and maxFiles >= 0, not " + maxBytes
                    + " and " + maxFiles);
        }
        this.file = file.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    @Override
    public OutputStream begin() throws IOException {
        sizeAtBegin = -1;
        if (channel != null && !Files.exists(file)) {
            LOG.debug("{} vanished; opening it afresh", file);
            closeChannel();
        }
        if (channel == null) {
            open();
        }
        if (channel.size() >= maxBytes) {
            rotate();
        }
        sizeAtBegin = channel.size();
        return Channels.newOutputStream(channel);
    }

    /** Nothing to do: the channel is unbuffered, so the flushed batch is already in the file. */
    @Override
    public void commit() {
    }

    @Override
    public void abort() {
        if (channel == null) {
            return;
        }
        try {
            if (sizeAtBegin >= 0 && channel.size() > sizeAtBegin) {
                channel.truncate(sizeAtBegin);
            }
        } catch (IOException e) {
            LOG.debug("cannot cut {} back to {} bytes after a failed batch", file, sizeAtBegin, e);
        }
        closeChannel();
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public long rotations() {
        return rotations.get();
    }

    @Override
    public void close() {
        closeChannel();
    }

    /** @return the file itself */
    Path file() {
        return file;
    }

    /**
     * @param index 1 for the newest rotated file
     * @return {@code FILE.index}
     */
    Path rotated(int index) {
        return file.resolveSibling(file.getFileName() + "." + index);
    }

    private void open() throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    private void rotate() throws IOException {
        closeChannel();
        if (maxFiles == 0) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(rotated(maxFiles));
            for (int i = maxFiles - 1; i >= 1; i--) {
                Path from = rotated(i);
                if (Files.exists(from)) {
                    Files.move(from, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        }
        rotations.incrementAndGet();
        LOG.debug("rotated {} (keeping {} old files)", file, maxFiles);
        open();
    }

    private void closeChannel() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {} failed", file, e);
        }
        channel = null;
    }
}
