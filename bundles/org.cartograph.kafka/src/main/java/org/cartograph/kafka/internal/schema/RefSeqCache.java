package org.cartograph.kafka.internal.schema;

import java.util.Arrays;

/**
 * What the decoder built from a sequence of string references (a tag set, a list of DNS names),
 * so that flows with the same sequence in one record share one value and it is built once. An
 * open-addressing table looked up with the sequence in place: a hit allocates nothing. Not
 * thread-safe.
 *
 * @param <V> the value built from a sequence
 */
final class RefSeqCache<V> {

    private int[][] keys = new int[256][];
    private Object[] values = new Object[256];
    private int size;

    /** Forgets every entry (string references mean something only within one record). */
    void clear() {
        if (size > 0) {
            Arrays.fill(keys, null);
            Arrays.fill(values, null);
            size = 0;
        }
    }

    /** @return the value of {@code seq[0 .. length)}, or null */
    @SuppressWarnings("unchecked")
    V get(int[] seq, int length) {
        int mask = keys.length - 1;
        for (int i = hash(seq, length) & mask; ; i = (i + 1) & mask) {
            int[] k = keys[i];
            if (k == null) {
                return null;
            }
            if (Arrays.equals(k, 0, k.length, seq, 0, length)) {
                return (V) values[i];
            }
        }
    }

    /** Remembers {@code value} for {@code seq[0 .. length)}, which is not in the cache. */
    void put(int[] seq, int length, V value) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        insert(Arrays.copyOf(seq, length), value);
        size++;
    }

    private void insert(int[] key, Object value) {
        int mask = keys.length - 1;
        int i = hash(key, key.length) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
    }

    private void grow() {
        int[][] oldKeys = keys;
        Object[] oldValues = values;
        keys = new int[oldKeys.length * 2][];
        values = new Object[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(int[] seq, int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = h * 0x9E3779B1 + seq[i];
        }
        return h ^ (h >>> 15);
    }
}
