package org.cartograph.dns.internal;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reverse DNS cache: IP address → the names it was resolved from (most recent first, at most
 * {@value #NAMES_PER_ADDRESS}). An address stays until its longest record TTL plus a grace period
 * has passed (connections outlive TTLs) or it is the least recently used one when a new address
 * needs room. Primitive arrays, no allocation on a refresh or a lookup; a changed name list is
 * rebuilt once. The arrays start at {@value #INITIAL_SLOTS} addresses and double when full, up to the
 * capacity, so an idle agent does not hold a table sized for its busiest hour. Thread-safe: the capture thread writes, the pipeline thread looks up; one lock,
 * held for a few array accesses.
 */
public final class ReverseCache {

    static final int NAMES_PER_ADDRESS = 4;
    static final int INITIAL_SLOTS = 1024;
    private static final int NONE = Slots.NONE;

    private final ReentrantLock lock = new ReentrantLock();
    private final long graceNanos;
    private final int capacity;
    /** Guarded by lock; so is every array below. */
    private int[] buckets;
    private int mask;
    private int[] chain = new int[0];
    private int[] older = new int[0];
    private int[] newer = new int[0];
    private long[] high = new long[0];
    private long[] low = new long[0];
    private long[] expires = new long[0];
    private String[][] names = new String[0][];
    @SuppressWarnings("unchecked")
    private List<String>[] views = new List[0];
    private int free = NONE;
    private int oldest = NONE;
    private int newest = NONE;
    private int size;
    private long evictions;
    private long expirations;

    /**
     * @param capacity    most addresses kept
     * @param graceNanos  kept this long past the record's TTL
     */
    public ReverseCache(int capacity, long graceNanos) {
        this.capacity = capacity;
        this.graceNanos = graceNanos;
        allocate(Math.min(capacity, INITIAL_SLOTS));
    }

    /**
     * Records that {@code name} resolved to the address (capture thread).
     *
     * @param hi        the address' first 64 bits
     * @param lo        its last 64 bits
     * @param name      the name (shared string)
     * @param ttlSeconds the record's TTL
     * @param nowNanos  the current {@link System#nanoTime()}
     */
    public void put(long hi, long lo, String name, int ttlSeconds, long nowNanos) {
        long until = nowNanos + Math.max(0, ttlSeconds) * 1_000_000_000L + graceNanos;
        lock.lock();
        try {
            int i = find(hi, lo);
            if (i == NONE) {
                if (free == NONE && chain.length < capacity) {
                    allocate(Math.min(capacity, chain.length * 2));
                } else if (free == NONE) {
                    remove(oldest);
                    evictions++;
                }
                i = free;
                free = chain[i];
                int b = bucket(hi, lo);
                chain[i] = buckets[b];
                buckets[b] = i;
                high[i] = hi;
                low[i] = lo;
                expires[i] = until;
                names[i] = new String[] {name};
                views[i] = List.of(name);
                size++;
                linkNewest(i);
                return;
            }
            expires[i] = Math.max(expires[i], until);
            touch(i);
            String[] n = names[i];
            if (n[0] == name || n[0].equals(name)) {
                return;
            }
            int at = 1;
            while (at < n.length && !n[at].equals(name)) {
                at++;
            }
            String[] updated = new String[Math.min(NAMES_PER_ADDRESS, at < n.length ? n.length : n.length + 1)];
            updated[0] = name;
            for (int s = 0, d = 1; d < updated.length && s < n.length; s++) {
                if (s != at) {
                    updated[d++] = n[s];
                }
            }
            names[i] = updated;
            views[i] = List.of(updated);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param hi       the address' first 64 bits
     * @param lo       its last 64 bits
     * @param nowNanos the current {@link System#nanoTime()}
     * @return its names, most recent first, or an empty list; never null, no allocation
     */
    public List<String> lookup(long hi, long lo, long nowNanos) {
        lock.lock();
        try {
            int i = find(hi, lo);
            if (i == NONE) {
                return List.of();
            }
            if (expires[i] - nowNanos <= 0) {
                remove(i);
                expirations++;
                return List.of();
            }
            touch(i);
            return views[i];
        } finally {
            lock.unlock();
        }
    }

    /** Drops expired addresses from the least recently used end (capture thread, now and then). */
    public void expire(long nowNanos) {
        lock.lock();
        try {
            int i = oldest;
            while (i != NONE) {
                int next = newer[i];
                if (expires[i] - nowNanos <= 0) {
                    remove(i);
                    expirations++;
                }
                i = next;
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return addresses held */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** @return addresses dropped to make room */
    public long evictions() {
        lock.lock();
        try {
            return evictions;
        } finally {
            lock.unlock();
        }
    }

    /** @return addresses dropped after their TTL and grace */
    public long expirations() {
        lock.lock();
        try {
            return expirations;
        } finally {
            lock.unlock();
        }
    }

    /** @return most addresses held */
    public int capacity() {
        return capacity;
    }

    /** @return address slots allocated now (grows with use, at most the capacity) */
    int allocated() {
        lock.lock();
        try {
            return chain.length;
        } finally {
            lock.unlock();
        }
    }

    /** Grows every array to {@code slots}, links the new slots as free and rehashes the held ones. */
    private void allocate(int slots) {
        int from = chain.length;
        chain = Arrays.copyOf(chain, slots);
        older = Arrays.copyOf(older, slots);
        newer = Arrays.copyOf(newer, slots);
        high = Arrays.copyOf(high, slots);
        low = Arrays.copyOf(low, slots);
        expires = Arrays.copyOf(expires, slots);
        names = Arrays.copyOf(names, slots);
        views = Arrays.copyOf(views, slots);
        free = Slots.linkFree(chain, from, free);
        buckets = Slots.buckets(slots);
        mask = buckets.length - 1;
        for (int i = 0; i < from; i++) {
            if (names[i] != null) {
                int b = bucket(high[i], low[i]);
                chain[i] = buckets[b];
                buckets[b] = i;
            }
        }
    }

    private int find(long hi, long lo) {
        int i = buckets[bucket(hi, lo)];
        while (i != NONE && (low[i] != lo || high[i] != hi)) {
            i = chain[i];
        }
        return i;
    }

    private void touch(int i) {
        if (i == newest) {
            return;
        }
        unlink(i);
        linkNewest(i);
    }

    private void linkNewest(int i) {
        older[i] = newest;
        newer[i] = NONE;
        if (newest != NONE) {
            newer[newest] = i;
        } else {
            oldest = i;
        }
        newest = i;
    }

    private void unlink(int i) {
        if (older[i] != NONE) {
            newer[older[i]] = newer[i];
        } else {
            oldest = newer[i];
        }
        if (newer[i] != NONE) {
            older[newer[i]] = older[i];
        } else {
            newest = older[i];
        }
    }

    private void remove(int i) {
        int b = bucket(high[i], low[i]);
        int prev = NONE;
        int j = buckets[b];
        while (j != i) {
            prev = j;
            j = chain[j];
        }
        if (prev == NONE) {
            buckets[b] = chain[i];
        } else {
            chain[prev] = chain[i];
        }
        unlink(i);
        names[i] = null;
        views[i] = null;
        chain[i] = free;
        free = i;
        size--;
    }

    private int bucket(long hi, long lo) {
        long x = hi * 31 + lo;
        return NameInterner.mix((int) (x ^ (x >>> 32))) & mask;
    }
}
