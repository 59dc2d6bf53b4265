package org.cartograph.kafka.internal.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The string table of one version 2 record, as the encoder builds it: each distinct string is
 * written once (field {@code strings}) and referred to by its index + 1; 0 is the empty string.
 * Strings added since a {@link #mark()} can be taken back, so a flow that does not fit in a part
 * leaves nothing behind. Not thread-safe.
 */
final class StringTable {

    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> order = new ArrayList<>();
    private final ProtoWriter encoded = new ProtoWriter(1 << 12);
    private final int field;

    /** @param field the field number the table's strings are written under */
    StringTable(int field) {
        this.field = field;
    }

    /** @return the reference to {@code s}: 0 for the empty string, else its index + 1 */
    int ref(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        Integer i = index.get(s);
        if (i != null) {
            return i;
        }
        int ref = order.size() + 1;
        order.add(s);
        index.put(s, ref);
        encoded.bytes(field, s.getBytes(StandardCharsets.UTF_8));
        return ref;
    }

    /** @return the size of the table's encoding */
    int encodedBytes() {
        return encoded.position();
    }

    /** @return a mark to roll back to */
    long mark() {
        return ((long) order.size() << 32) | encoded.position();
    }

    /** Takes back the strings added since {@code mark}. */
    void rollback(long mark) {
        int size = (int) (mark >>> 32);
        for (int i = order.size() - 1; i >= size; i--) {
            index.remove(order.remove(i));
        }
        encoded.truncate((int) mark);
    }

    /** @return the table's encoding, to append to the record */
    ProtoWriter encoded() {
        return encoded;
    }

    void clear() {
        index.clear();
        order.clear();
        encoded.reset();
    }
}
