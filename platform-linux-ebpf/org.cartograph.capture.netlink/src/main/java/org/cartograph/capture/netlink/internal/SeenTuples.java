package org.cartograph.capture.netlink.internal;

/**
 * Hashes of (netns, protocol, local end, remote end) that sock_diag has seen recently, with when
 * they were last seen, so conntrack destroy events for them are not counted a second time.
 * Bounded: a full table forgets its oldest half. Thread-safe (one lock, held for a few probes).
 */
final class SeenTuples {

    private final int capacity;
    private long[] keys;
    private long[] seen;
    private int size;

    SeenTuples(int maxEntries) {
        this.capacity = Integer.highestOneBit(Math.max(64, maxEntries * 2) - 1) << 1;
        this.keys = new long[capacity];
        this.seen = new long[capacity];
    }

    static long hash(long netns, int protocol, long lh, long ll, int lp, long rh, long rl, int rp) {
        long h = netns * 0x9E3779B97F4A7C15L + protocol;
        h = (h ^ lh) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ ll) * 0x9E3779B97F4A7C15L;
        h = (h ^ rh) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ rl) * 0x9E3779B97F4A7C15L;
        h = (h ^ (((long) lp << 16) | rp)) * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }

    synchronized void put(long key, long now) {
        if (size * 2 >= capacity) {
            forgetOlderThan(median());
        }
        int i = (int) key & (capacity - 1);
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & (capacity - 1);
        }
        if (keys[i] == 0) {
            keys[i] = key;
            size++;
        }
        seen[i] = now;
    }

    synchronized boolean contains(long key) {
        int i = (int) key & (capacity - 1);
        while (keys[i] != 0) {
            if (keys[i] == key) {
                return true;
            }
            i = (i + 1) & (capacity - 1);
        }
        return false;
    }

    synchronized int size() {
        return size;
    }

    /** Forgets entries last seen before {@code limit}. */
    synchronized void forgetOlderThan(long limit) {
        long[] oldKeys = keys;
        long[] oldSeen = seen;
        keys = new long[capacity];
        seen = new long[capacity];
        size = 0;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0 && oldSeen[j] >= limit) {
                int i = (int) oldKeys[j] & (capacity - 1);
                while (keys[i] != 0) {
                    i = (i + 1) & (capacity - 1);
                }
                keys[i] = oldKeys[j];
                seen[i] = oldSeen[j];
                size++;
            }
        }
    }

    private long median() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int j = 0; j < keys.length; j++) {
            if (keys[j] != 0) {
                min = Math.min(min, seen[j]);
                max = Math.max(max, seen[j]);
            }
        }
        return min + (max - min) / 2 + 1;
    }
}
