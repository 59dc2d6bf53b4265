package org.cartograph.kafka.internal.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, ordered queue of entries on disk, one per batch: one file per entry
 * ({@code 00000000000000000042.batch}: magic, format, key, the values, CRC-32), written to a
 * temporary file, forced to disk and renamed, so a crash leaves either the whole entry or
 * nothing. Entries survive a restart and come out in the order they went in. When a new entry
 * would exceed the bound (bytes or entries), the oldest are deleted and counted as dropped. A
 * file that fails its checksum is deleted and counted as corrupt.
 *
 * <p>Thread-safe: one thread appends, another takes the head and acknowledges it.
 */
final class Spool {

    /** One spooled entry: the values of one batch's records, which all share one key. */
    record Entry(long id, String key, List<byte[]> values) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int MAGIC = 0x43475350;
    private static final byte FORMAT = 1;
    private static final int OVERHEAD = 4 + 1 + 4 + 4 + 8;
    private static final int PER_VALUE = 4;
    private static final String SUFFIX = ".batch";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;
    private final long maxBytes;
    private final int maxRecords;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    /** Record id to file size, oldest first. Guarded by lock. */
    private final TreeMap<Long, Long> files = new TreeMap<>();
    /** Guarded by lock. */
    private long nextId = 1;
    /** Guarded by lock. */
    private long bytes;
    /** Guarded by lock. */
    private long dropped;
    /** Guarded by lock. */
    private long corrupt;
    /** The record last handed out by {@link #awaitHead}, if the bound evicted it since. Guarded by lock. */
    private long evictedInFlight = -1;
    /** Guarded by lock. */
    private long inFlight = -1;

    /**
     * Opens the spool, keeping what an earlier run left in it.
     *
     * @param dir        the directory (created if missing)
     * @param maxBytes   the bound on the files' total size
     * @param maxRecords the bound on the number of records
     * @throws IOException if the directory cannot be created or listed
     */
    Spool(Path dir, long maxBytes, int maxRecords) throws IOException {
        if (maxBytes < 1 || maxRecords < 1) {
            throw new IllegalArgumentException("spool bounds must be positive, not " + maxBytes + " bytes and "
                    + maxRecords + " records");
        }
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxRecords = maxRecords;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
            for (Path p : list) {
                String name = p.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
                    long id = Long.parseLong(name.substring(0, 20));
                    long size = Files.size(p);
                    files.put(id, size);
                    bytes += size;
                }
            }
        }
        if (!files.isEmpty()) {
            nextId = files.lastKey() + 1;
        }
        lock.lock();
        try {
            evictFor(0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes an entry behind the others, deleting the oldest entries when the bound requires it.
     *
     * @param key    the key of every value
     * @param values the values, sent in this order
     * @throws IllegalArgumentException if the entry alone exceeds the byte bound
     * @throws IOException if the entry cannot be written; the spool is then unchanged
     */
    void append(String key, List<byte[]> values) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long size = (long) OVERHEAD + k.length;
        for (byte[] v : values) {
            size += PER_VALUE + v.length;
        }
        if (size > maxBytes || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + size + " bytes exceeds the spool bound of "
                    + maxBytes + " bytes");
        }
        long id;
        lock.lock();
        try {
            id = nextId++;
        } finally {
            lock.unlock();
        }
        Path temp = dir.resolve(name(id) + TEMP_SUFFIX);
        try {
            write(temp, k, values, (int) size);
            lock.lock();
            try {
                evictFor(size);
                Files.move(temp, dir.resolve(name(id) + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
                files.put(id, size);
                bytes += size;
                appended.signalAll();
            } finally {
                lock.unlock();
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Waits for the oldest record and reads it; it stays in the spool until {@link #acknowledge}d.
     *
     * @return the oldest record, or null if none came within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    Entry awaitHead(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                while (files.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    appended.awaitNanos(left);
                }
                Map.Entry<Long, Long> head = files.firstEntry();
                Entry entry = read(head.getKey());
                if (entry != null) {
                    inFlight = entry.id();
                    return entry;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a record once it was sent. If the bound had already evicted it, it is no longer
     * counted as dropped, since it was sent after all.
     *
     * @param id the record's id
     */
    void acknowledge(long id) {
        lock.lock();
        try {
            if (id == inFlight) {
                inFlight = -1;
            }
            Long size = files.remove(id);
            if (size != null) {
                bytes -= size;
                deleteQuietly(id);
            } else if (id == evictedInFlight) {
                evictedInFlight = -1;
                dropped--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return records waiting */
    int records() {
        lock.lock();
        try {
            return files.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return bytes of the records waiting */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** @return records deleted unsent because of the bound */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** @return records deleted because their file was damaged */
    long corrupt() {
        lock.lock();
        try {
            return corrupt;
        } finally {
            lock.unlock();
        }
    }

    /** @return the directory */
    Path dir() {
        return dir;
    }

    /** Guarded by lock. */
    private void evictFor(long size) {
        while (!files.isEmpty() && (files.size() + (size > 0 ? 1 : 0) > maxRecords || bytes + size > maxBytes)) {
            Map.Entry<Long, Long> oldest = files.pollFirstEntry();
            bytes -= oldest.getValue();
            dropped++;
            if (oldest.getKey() == inFlight) {
                evictedInFlight = inFlight;
            }
            deleteQuietly(oldest.getKey());
            if (dropped == 1 || dropped % 100 == 0) {
                LOG.warn("Kafka spool {} full: dropped the oldest batch ({} dropped so far)", dir, dropped);
            }
        }
    }

    /** Guarded by lock. @return the record, or null if its file was damaged or gone (then it is forgotten) */
    private Entry read(long id) {
        Path p = dir.resolve(name(id) + SUFFIX);
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p));
            CRC32 crc = new CRC32();
            crc.update(b.array(), 0, Math.max(0, b.limit() - 8));
            if (b.limit() < OVERHEAD || b.getInt() != MAGIC || b.get() != FORMAT) {
                return damaged(id, "bad header");
            }
            byte[] key = new byte[checkedLength(b)];
            b.get(key);
            int count = checkedLength(b);
            List<byte[]> values = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] value = new byte[checkedLength(b)];
                b.get(value);
                values.add(value);
            }
            if (b.remaining() != 8 || b.getLong() != crc.getValue()) {
                return damaged(id, "checksum mismatch");
            }
            return new Entry(id, new String(key, StandardCharsets.UTF_8), List.copyOf(values));
        } catch (NoSuchFileException e) {
            return damaged(id, "file vanished");
        } catch (IOException | RuntimeException e) {
            return damaged(id, e.toString());
        }
    }

    private static int checkedLength(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalStateException("length " + n + " beyond the file");
        }
        return n;
    }

    private Entry damaged(long id, String why) {
        Long size = files.remove(id);
        if (size != null) {
            bytes -= size;
        }
        corrupt++;
        deleteQuietly(id);
        LOG.warn("Kafka spool {}: deleted damaged record {} ({})", dir, id, why);
        return null;
    }

    private static void write(Path temp, byte[] key, List<byte[]> values, int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(MAGIC).put(FORMAT).putInt(key.length).put(key).putInt(values.size());
        for (byte[] v : values) {
            b.putInt(v.length).put(v);
        }
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putLong(crc.getValue()).flip();
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    private void deleteQuietly(long id) {
        try {
            Files.deleteIfExists(dir.resolve(name(id) + SUFFIX));
        } catch (IOException e) {
            LOG.warn("Kafka spool {}: cannot delete record {}: {}", dir, id, e.toString());
        }
    }

    private static String name(long id) {
        return String.format("%020d", id);
    }
}
