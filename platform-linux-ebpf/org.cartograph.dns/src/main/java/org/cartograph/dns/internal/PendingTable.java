package org.cartograph.dns.internal;

import java.util.Arrays;

/**
 * Queries waiting for their response, keyed by (client, server, client port, transaction id), at
 * most {@code capacity} of them, and for a short while the ones just answered (so that the same
 * exchange seen again through another namespace's socket is recognised as a duplicate). Primitive
 * arrays with hash chains and two lists in time order, oldest first: waiting (by query time, for
 * timeouts) and answered (by answer time); nothing is allocated after construction. Not thread-safe.
 */
final class PendingTable {

    private static final int NONE = -1;

    private final int capacity;
    private final int[] buckets;
    private final int mask;
    private final int[] chain;
    private final int[] older;
    private final int[] newer;
    private final long[] clientHigh;
    private final long[] clientLow;
    private final long[] serverHigh;
    private final long[] serverLow;
    private final int[] portAndId;
    private final long[] sentNanos;
    private final String[] domain;
    private final int[] qtype;
    private final boolean[] answered;
    private int free;
    /** Heads and tails of the waiting list [0] and the answered list [1]. */
    private final int[] oldest = {NONE, NONE};
    private final int[] newest = {NONE, NONE};
    private int size;
    private int waiting;

    PendingTable(int capacity) {
        this.capacity = capacity;
        int cap = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        buckets = new int[cap];
        Arrays.fill(buckets, NONE);
        mask = cap - 1;
        chain = new int[capacity];
        older = new int[capacity];
        newer = new int[capacity];
        clientHigh = new long[capacity];
        clientLow = new long[capacity];
        serverHigh = new long[capacity];
        serverLow = new long[capacity];
        portAndId = new int[capacity];
        sentNanos = new long[capacity];
        domain = new String[capacity];
        qtype = new int[capacity];
        answered = new boolean[capacity];
        for (int i = 0; i < capacity; i++) {
            chain[i] = i + 1 < capacity ? i + 1 : NONE;
        }
        free = 0;
    }

    /** @return the slot of the key, or -1 */
    int find(long ch, long cl, long sh, long sl, int clientPort, int id) {
        int pid = (clientPort << 16) | id;
        int i = buckets[bucket(ch, cl, sh, sl, pid)];
        while (i != NONE) {
            if (portAndId[i] == pid && clientLow[i] == cl && serverLow[i] == sl && clientHigh[i] == ch
                    && serverHigh[i] == sh) {
                return i;
            }
            i = chain[i];
        }
        return NONE;
    }

    /** @return the new slot, or -1 when full */
    int insert(long ch, long cl, long sh, long sl, int clientPort, int id, long nanos, String name, int type) {
        if (free == NONE) {
            return NONE;
        }
        int i = free;
        free = chain[i];
        int pid = (clientPort << 16) | id;
        int b = bucket(ch, cl, sh, sl, pid);
        chain[i] = buckets[b];
        buckets[b] = i;
        clientHigh[i] = ch;
        clientLow[i] = cl;
        serverHigh[i] = sh;
        serverLow[i] = sl;
        portAndId[i] = pid;
        sentNanos[i] = nanos;
        domain[i] = name;
        qtype[i] = type;
        answered[i] = false;
        link(i, 0);
        size++;
        waiting++;
        return i;
    }

    /** Moves a waiting query to the answered list; {@link #sentNanos} then says when it was answered. */
    void answer(int i, long nanos) {
        unlink(i, 0);
        waiting--;
        answered[i] = true;
        sentNanos[i] = nanos;
        link(i, 1);
    }

    boolean answered(int i) {
        return answered[i];
    }

    private void link(int i, int list) {
        older[i] = newest[list];
        newer[i] = NONE;
        if (newest[list] != NONE) {
            newer[newest[list]] = i;
        } else {
            oldest[list] = i;
        }
        newest[list] = i;
    }

    private void unlink(int i, int list) {
        if (older[i] != NONE) {
            newer[older[i]] = newer[i];
        } else {
            oldest[list] = newer[i];
        }
        if (newer[i] != NONE) {
            older[newer[i]] = older[i];
        } else {
            newest[list] = older[i];
        }
    }

    void remove(int i) {
        int b = bucket(clientHigh[i], clientLow[i], serverHigh[i], serverLow[i], portAndId[i]);
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
        if (answered[i]) {
            unlink(i, 1);
        } else {
            unlink(i, 0);
            waiting--;
        }
        domain[i] = null;
        chain[i] = free;
        free = i;
        size--;
    }

    /** @return the slot waiting longest, or -1 if none waits */
    int oldestWaiting() {
        return oldest[0];
    }

    /** @return the slot answered longest ago, or -1 if none */
    int oldestAnswered() {
        return oldest[1];
    }

    /** @return slots in use (waiting and answered) */
    int size() {
        return size;
    }

    /** @return queries waiting for their answer */
    int waiting() {
        return waiting;
    }

    int capacity() {
        return capacity;
    }

    long sentNanos(int i) {
        return sentNanos[i];
    }

    long clientHigh(int i) {
        return clientHigh[i];
    }

    long clientLow(int i) {
        return clientLow[i];
    }

    long serverHigh(int i) {
        return serverHigh[i];
    }

    long serverLow(int i) {
        return serverLow[i];
    }

    String domain(int i) {
        return domain[i];
    }

    int qtype(int i) {
        return qtype[i];
    }

    private int bucket(long ch, long cl, long sh, long sl, int pid) {
        long x = (ch * 31 + cl) * 31 + sh;
        x = (x * 31 + sl) * 31 + pid;
        return NameInterner.mix((int) (x ^ (x >>> 32))) & mask;
    }
}
