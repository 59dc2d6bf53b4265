package org.cartograph.dns.internal;

import java.util.Arrays;

/**
 * What the slot tables that grow on demand ({@link PendingTable}, {@link ReverseCache}) share: the
 * free list threaded through their hash-chain array, and their bucket arrays. Slots are numbered
 * from 0, {@link #NONE} ends a chain or list.
 */
final class Slots {

    static final int NONE = -1;

    private Slots() {
    }

    /**
     * Links slots {@code from} to {@code chain.length - 1} in front of the free list, lowest first.
     *
     * @return the new head of the free list
     */
    static int linkFree(int[] chain, int from, int free) {
        for (int i = chain.length - 1; i >= from; i--) {
            chain[i] = free;
            free = i;
        }
        return free;
    }

    /** @return empty buckets for {@code slots} slots: a power of two, at least twice the slots */
    static int[] buckets(int slots) {
        int[] buckets = new int[Integer.highestOneBit(Math.max(4, slots) * 2 - 1) << 1];
        Arrays.fill(buckets, NONE);
        return buckets;
    }
}
