package org.cartograph.metadata.tagger.internal;

import java.util.Arrays;
import java.util.Map;

/**
 * An immutable map from network namespace inode to the container ids whose processes live in
 * it: open addressing over a {@code long[]}, so a lookup boxes nothing and allocates nothing.
 * Built whole by the resolver thread and published through a volatile field; safe to read from
 * any thread.
 */
final class NetnsTable {

    /** Ids of a namespace whose processes run in no container. */
    static final String[] NONE = new String[0];
    /** A table with no namespace. */
    static final NetnsTable EMPTY = new NetnsTable(Map.of());

    private final long[] keys;
    private final String[][] values;
    private final int mask;
    private final int size;

    /**
     * @param entries namespace inode (non-zero) → container ids (sorted by the caller or not; copied)
     */
    NetnsTable(Map<Long, String[]> entries) {
        int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
        this.keys = new long[capacity];
        this.values = new String[capacity][];
        this.mask = capacity - 1;
        this.size = entries.size();
        entries.forEach((ns, ids) -> {
            if (ns == 0) {
                throw new IllegalArgumentException("netns 0 means unknown and cannot be a key");
            }
            int i = slot(ns);
            while (keys[i] != 0) {
                i = (i + 1) & mask;
            }
            keys[i] = ns;
            String[] copy = ids.length == 0 ? NONE : ids.clone();
            Arrays.sort(copy);
            values[i] = copy;
        });
    }

    /**
     * Never blocks, never allocates.
     *
     * @param netns a namespace inode
     * @return the container ids in it ({@link #NONE} when its processes are not in containers),
     *         or null when the namespace is not in the table
     */
    String[] get(long netns) {
        if (netns == 0) {
            return null;
        }
        int i = slot(netns);
        while (true) {
            long k = keys[i];
            if (k == netns) {
                return values[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    /** @return namespaces held */
    int size() {
        return size;
    }

    private int slot(long netns) {
        long h = netns * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
