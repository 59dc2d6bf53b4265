package org.cartograph.core.internal;

import java.util.Arrays;

import org.cartograph.capture.ConnectionView;

/**
 * The storage behind {@link DeltaEngine}: dense entries of {@link #STRIDE} longs, in chunks of
 * {@value #CHUNK_ENTRIES} entries allocated as the table fills, and an open-addressing index of
 * entry ids that grows by doubling at a load of 3/4. Memory follows the connections held: an
 * empty table is a 4 KiB index; a filled one costs 64 bytes per entry plus 5 to 11 bytes of index.
 *
 * <p>An entry holds a 128-bit fingerprint of the key (addresses, ports, protocol, network namespace
 * and socket cookie: two 64-bit hashes with seeds drawn per table, so tuples cannot be crafted to
 * collide) and the protocol and ports themselves, not the 56 bytes of the key: two different keys
 * are taken for one only if both hashes and the ports agree (for 10^6 live keys, a chance of about
 * 10^-27). The first hash also places the entry in the index.
 *
 * <p>An index slot is an {@code int}: 0 when empty, else a 7-bit hash tag above the entry id + 1,
 * so a probe rarely reads an entry that does not match. Removal shifts the probe run back (no
 * tombstones); a freed entry id goes on a free list kept inside the freed entries and is reused
 * first. {@link #compactIfSparse()} gives memory back after a peak. Entry ids stay stable
 * between two compactions. Not thread-safe.
 */
final class ConnectionTable {

    /** Longs per entry: the fingerprint (0, 1), {@link #META} (shared with the engine's flags), five counters. */
    static final int STRIDE = 8;
    /** The first hash of the key; the free list's link while the entry is free. */
    static final int HASH1 = 0;
    static final int HASH2 = 1;
    /** Protocol (bits 32..33) and ports (bits 0..31), then {@link #USED}, then the engine's bits. */
    static final int META = 2;
    /** The first of the engine's five counters. */
    static final int COUNTERS = 3;
    /** The bits of {@link #META} that belong to the key. */
    static final long KEY_MASK = (1L << 34) - 1;
    /** Set in {@link #META} while the entry holds a connection. */
    static final long USED = 1L << 34;
    static final int CHUNK_SHIFT = 10;
    static final int CHUNK_ENTRIES = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK_ENTRIES - 1;

    private static final int MIN_INDEX = 1024;
    private static final int REF_BITS = 25;
    private static final int REF_MASK = (1 << REF_BITS) - 1;
    private static final int PORTS_MASK = 0xFFFF;

    private final int maxEntries;
    private final int chunkLongs;
    private final int smallestIndex;
    private final int largestIndex;
    private long[][] chunks;
    private int[] index;
    private int mask;
    private int growAt;
    private int size;
    /** Entry ids ever handed out since the last compaction: ids at or above it are fresh. */
    private int highWater;
    private int freeHead = -1;
    /** Index slot of the last {@link #find}: the entry found or the empty slot it would go to. */
    private int lastSlot;
    private long lastHash;
    private long lastHash2;
    private final KeyFingerprint fingerprint = new KeyFingerprint();

    /** @param maxEntries entries held at once, at most 2^24 */
    ConnectionTable(int maxEntries) {
        if (maxEntries < 1 || maxEntries > (1 << 24)) {
            throw new IllegalArgumentException("maxEntries out of 1..2^24: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.chunkLongs = Math.min(CHUNK_ENTRIES, maxEntries) * STRIDE;
        this.largestIndex = indexFor(maxEntries);
        this.smallestIndex = Math.min(MIN_INDEX, largestIndex);
        this.chunks = new long[(maxEntries + CHUNK_MASK) >>> CHUNK_SHIFT][];
        resizeIndex(smallestIndex);
    }

    /** @return the smallest power-of-two index that holds {@code n} entries at a load of at most 3/4 */
    private static int indexFor(int n) {
        int cap = 16;
        while ((long) cap * 3 / 4 < n) {
            cap <<= 1;
        }
        return cap;
    }

    /** Packs protocol and ports the way {@link #META} holds them. */
    static long meta(ConnectionView c) {
        return ((long) c.protocol().ordinal() << 32) | ((long) (c.localPort() & PORTS_MASK) << 16)
                | (c.remotePort() & PORTS_MASK);
    }

    /** @return entries in use */
    int size() {
        return size;
    }

    /** @return entry ids in use are below this */
    int highWater() {
        return highWater;
    }

    /** @return the chunk holding entry {@code id}; its fields start at {@link #base(int)} */
    long[] chunk(int id) {
        return chunks[id >>> CHUNK_SHIFT];
    }

    /** @return where entry {@code id}'s fields start in its {@link #chunk(int)} */
    static int base(int id) {
        return (id & CHUNK_MASK) * STRIDE;
    }

    /** @return bytes held by the index and the entry chunks (array headers included) */
    long memoryBytes() {
        long bytes = 16L + 4L * index.length + 16L + 4L * chunks.length;
        for (long[] c : chunks) {
            bytes += c == null ? 0 : 16L + 8L * c.length;
        }
        return bytes;
    }

    /** @return index slots now (a power of two) */
    int indexCapacity() {
        return index.length;
    }

    /**
     * Looks a connection up and remembers where it is, or where it would go, for a following
     * {@link #insertMissing} or {@link #removeFound}.
     *
     * @return the entry id, or -1 if absent
     */
    int find(ConnectionView c, long meta) {
        long h = fingerprint.hash(c, meta);
        long h2 = fingerprint.second();
        lastHash = h;
        lastHash2 = h2;
        int want = tag(h);
        int[] idx = index;
        int m = mask;
        int i = (int) h & m;
        while (true) {
            int ref = idx[i];
            if (ref == 0) {
                lastSlot = i;
                return -1;
            }
            if ((ref & ~REF_MASK) == want) {
                int id = (ref & REF_MASK) - 1;
                long[] s = chunks[id >>> CHUNK_SHIFT];
                int b = (id & CHUNK_MASK) * STRIDE;
                if (s[b + HASH1] == h && s[b + HASH2] == h2 && (s[b + META] & KEY_MASK) == meta) {
                    lastSlot = i;
                    return id;
                }
            }
            i = (i + 1) & m;
        }
    }

    /**
     * Adds the connection the last {@link #find} missed, growing the index first if it is at
     * its load limit.
     *
     * @return the new entry's id, with its fingerprint, ports and {@link #USED} set and its counters zero,
     *         or -1 if the table holds {@code maxEntries} already
     */
    int insertMissing(long meta) {
        if (size >= maxEntries) {
            return -1;
        }
        if (size >= growAt && index.length < largestIndex) {
            resizeIndex(index.length << 1);
            lastSlot = freeSlot(lastHash);
        }
        int id = allocate();
        long[] s = chunks[id >>> CHUNK_SHIFT];
        int b = (id & CHUNK_MASK) * STRIDE;
        s[b + HASH1] = lastHash;
        s[b + HASH2] = lastHash2;
        s[b + META] = meta | USED;
        index[lastSlot] = tag(lastHash) | (id + 1);
        size++;
        return id;
    }

    /** Removes the entry the last {@link #find} returned. */
    void removeFound(int id) {
        unlink(lastSlot);
        release(id);
    }

    /** Removes entry {@code id}, which must be in use. */
    void remove(int id) {
        int i = (int) hashOf(id) & mask;
        while ((index[i] & REF_MASK) != id + 1) {
            i = (i + 1) & mask;
        }
        unlink(i);
        release(id);
    }

    /**
     * Gives memory back after a peak: when fewer than a quarter of the entry ids handed out are in
     * use, moves the entries to the lowest ids, frees the chunks above and shrinks the index.
     * Entry ids change. Allocates only when it compacts.
     *
     * @return whether it compacted
     */
    boolean compactIfSparse() {
        if (highWater <= CHUNK_ENTRIES || size >= highWater / 4) {
            return false;
        }
        long[][] old = chunks;
        long[][] fresh = new long[old.length][];
        int next = 0;
        for (int id = 0; id < highWater; id++) {
            long[] s = old[id >>> CHUNK_SHIFT];
            int b = (id & CHUNK_MASK) * STRIDE;
            if ((s[b + META] & USED) == 0) {
                continue;
            }
            int to = next++;
            if (fresh[to >>> CHUNK_SHIFT] == null) {
                fresh[to >>> CHUNK_SHIFT] = new long[chunkLongs];
            }
            System.arraycopy(s, b, fresh[to >>> CHUNK_SHIFT], (to & CHUNK_MASK) * STRIDE, STRIDE);
        }
        chunks = fresh;
        highWater = next;
        freeHead = -1;
        resizeIndex(Math.max(smallestIndex, Math.min(largestIndex, indexFor(2 * size))));
        return true;
    }

    private int allocate() {
        int id = freeHead;
        if (id >= 0) {
            freeHead = (int) chunks[id >>> CHUNK_SHIFT][(id & CHUNK_MASK) * STRIDE + HASH1];
            return id;
        }
        id = highWater++;
        if (chunks[id >>> CHUNK_SHIFT] == null) {
            chunks[id >>> CHUNK_SHIFT] = new long[chunkLongs];
        }
        return id;
    }

    /** Clears the entry and pushes its id on the free list (the list's link lives in {@link #HASH1}). */
    private void release(int id) {
        long[] s = chunks[id >>> CHUNK_SHIFT];
        int b = (id & CHUNK_MASK) * STRIDE;
        Arrays.fill(s, b, b + STRIDE, 0L);
        s[b + HASH1] = freeHead;
        freeHead = id;
        size--;
    }

    /** Linear-probing deletion with backward shift: no tombstones, probe runs stay short. */
    private void unlink(int slot) {
        int[] idx = index;
        int m = mask;
        int hole = slot;
        int i = (slot + 1) & m;
        while (idx[i] != 0) {
            int home = (int) hashOf((idx[i] & REF_MASK) - 1) & m;
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                idx[hole] = idx[i];
                hole = i;
            }
            i = (i + 1) & m;
        }
        idx[hole] = 0;
    }

    /** Replaces the index by one of {@code capacity} slots holding every entry in use. */
    private void resizeIndex(int capacity) {
        index = new int[capacity];
        mask = capacity - 1;
        growAt = (int) ((long) capacity * 3 / 4);
        for (int id = 0; id < highWater; id++) {
            long[] s = chunks[id >>> CHUNK_SHIFT];
            if ((s[(id & CHUNK_MASK) * STRIDE + META] & USED) != 0) {
                long h = hashOf(id);
                index[freeSlot(h)] = tag(h) | (id + 1);
            }
        }
    }

    private int freeSlot(long h) {
        int i = (int) h & mask;
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static int tag(long h) {
        return (int) (h >>> 57) << REF_BITS;
    }

    private long hashOf(int id) {
        return chunks[id >>> CHUNK_SHIFT][(id & CHUNK_MASK) * STRIDE + HASH1];
    }
}
