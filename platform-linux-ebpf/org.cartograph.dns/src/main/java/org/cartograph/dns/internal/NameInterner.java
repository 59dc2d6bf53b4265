package org.cartograph.dns.internal;

import java.nio.charset.StandardCharsets;

/**
 * Turns name bytes into a shared {@link String}, allocating only the first time a name is seen
 * (until the table fills and starts over). Bytes map to chars one to one (ISO-8859-1), so a name
 * with odd bytes stays reversible. Not thread-safe.
 */
public final class NameInterner {

    private final String[] names;
    private final int[] hashes;
    private final int mask;
    private int size;

    /** @param capacityPow2 slots, a power of two */
    public NameInterner(int capacityPow2) {
        if (Integer.bitCount(capacityPow2) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPow2);
        }
        names = new String[capacityPow2];
        hashes = new int[capacityPow2];
        mask = capacityPow2 - 1;
    }

    /**
     * @param bytes the name
     * @param len   its length
     * @param hash  {@code h = h * 31 + b} over the bytes (as the parser computes it)
     * @return the shared string
     */
    public String intern(byte[] bytes, int len, int hash) {
        int slot = mix(hash) & mask;
        while (true) {
            String s = names[slot];
            if (s == null) {
                break;
            }
            if (hashes[slot] == hash && same(s, bytes, len)) {
                return s;
            }
            slot = (slot + 1) & mask;
        }
        if (size >= (names.length >>> 1) + (names.length >>> 2)) {
            java.util.Arrays.fill(names, null);
            size = 0;
            slot = mix(hash) & mask;
        }
        String s = new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
        names[slot] = s;
        hashes[slot] = hash;
        size++;
        return s;
    }

    private static boolean same(String s, byte[] bytes, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != (bytes[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    static int mix(int h) {
        int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }
}
