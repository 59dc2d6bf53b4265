package org.cartograph.enrich;

import java.util.Objects;

/**
 * One name/value pair, e.g. {@code container_name:web}.
 *
 * @param key   the tag name, lower snake case by convention
 * @param value the value
 */
public record Tag(String key, String value) implements Comparable<Tag> {

    /** Checks for null. */
    public Tag {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public int compareTo(Tag o) {
        int c = key.compareTo(o.key);
        return c != 0 ? c : value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return key + ":" + value;
    }
}
