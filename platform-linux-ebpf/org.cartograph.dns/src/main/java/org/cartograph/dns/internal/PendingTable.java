package org.cartograph.dns.internal;

import java.util.Arrays;

/**
 * Queries waiting for their response, keyed by (client, server, client port, transaction id), at
 * most {@code capacity} of them, and for a short while the ones just answered (so that the same
 * exchange seen again through another namespace's socket is recognised as a duplicate). Primitive
 * arrays with hash chains and two lists in time order, oldest first: waiting (by query time, for
 * timeouts) and answered (by answer time). The arrays start at {@value #INITIAL_SLOTS} slots and
 * double when full, up to the capacity, so memory follows the most queries pending at once (the
 * default capacity of 65,536 preallocated ~4.8 MB); nothing is allocated between two growths. Not
 * thread-safe.
 */
final class PendingTable {

    static final int INITIAL_SLOTS = 1024;
    private static final int NONE = Slots.NONE;

    private final int capacity;
    private int[] buckets;
    private int mask;
    private int[] chain = new int[0];
    private int[] older = new int[0];
    private int[] newer = new int[0];
    private long[] clientHigh = new long[0];
    private long[] clientLow = new long[0];
    private long[] serverHigh = new long[0];
    private long[] serverLow = new long[0];
    private int[] portAndId = new int[0];
    private long[] sentNanos = new long[0];
    private String[] domain = new String[0];
    private int[] qtype = new int[0];
    private boolean[] answered = new boolean[0];
    private int free = NONE;
    /** Heads and tails of the waiting list [0] and the answered list [1]. */
    private final int[] oldest = {NONE, NONE};
    private final int[] newest = {NONE, NONE};
    private int size;
    private int waiting;

    /** @param capacity most slots (waiting and recently answered queries) */
    PendingTable(int capacity) {
        this.capacity = Math.max(1, capacity);
        allocate(Math.min(this.capacity, INITIAL_SLOTS));
    }

    /**
     * Grows every array to {@code slots}, links the new slots as free and rehashes the slots in
     * use (found on the two lists); slot numbers do not change.
     */
    private void allocate(int slots) {
        int from = chain.length;
        chain = Arrays.copyOf(chain, slots);
        older = Arrays.copyOf(older, slots);
        newer = Arrays.copyOf(newer, slots);
        clientHigh = Arrays.copyOf(clientHigh, slots);
        clientLow = Arrays.copyOf(clientLow, slots);
        serverHigh = Arrays.copyOf(serverHigh, slots);
        serverLow = Arrays.copyOf(serverLow, slots);
        portAndId = Arrays.copyOf(portAndId, slots);
        sentNanos = Arrays.copyOf(sentNanos, slots);
        domain = Arrays.copyOf(domain, slots);
        qtype = Arrays.copyOf(qtype, slots);
        answered = Arrays.copyOf(answered, slots);
        free = Slots.linkFree(chain, from, free);
        buckets = Slots.buckets(slots);
        mask = buckets.length - 1;
        for (int list = 0; list < 2; list++) {
            for (int i = oldest[list]; i != NONE; i = newer[i]) {
                int b = bucket(clientHigh[i], clientLow[i], serverHigh[i], serverLow[i], portAndId[i]);
                chain[i] = buckets[b];
                buckets[b] = i;
            }
        }
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
            if (chain.length >= capacity) {
                return NONE;
            }
            allocate((int) Math.min(capacity, 2L * chain.length));
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

    /** @return slots allocated now (grows with use, at most the capacity) */
    int allocated() {
        return chain.length;
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
