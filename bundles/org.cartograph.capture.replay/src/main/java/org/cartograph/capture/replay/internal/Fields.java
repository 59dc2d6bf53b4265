package org.cartograph.capture.replay.internal;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.cartograph.capture.CaptureException;
import org.cartograph.flow.IpAddress;

/**
 * Reads typed, validated values from one YAML mapping of a replay script; every failure is a
 * {@link CaptureException} naming the script, the place in it and the field.
 */
final class Fields {

    private final Map<?, ?> map;
    private final String where;

    /**
     * @param map   the mapping as loaded by SnakeYAML
     * @param where the script and the place in it, e.g. {@code replay script s.yaml, steps[1].open[0]}
     */
    Fields(Map<?, ?> map, String where) {
        this.map = map;
        this.where = where;
    }

    /**
     * @param known the field names allowed here
     * @throws CaptureException naming the first field that is not one of them
     */
    void requireKnown(Set<String> known) throws CaptureException {
        for (Object key : map.keySet()) {
            if (!(key instanceof String name) || !known.contains(name)) {
                throw error(String.valueOf(key), "unknown field; known fields are " + new TreeSet<>(known));
            }
        }
    }

    /**
     * @param field the field
     * @return whether the mapping has it with a non-null value
     */
    boolean has(String field) {
        return map.get(field) != null;
    }

    /**
     * @param field the field
     * @return the raw value, or null
     */
    Object raw(String field) {
        return map.get(field);
    }

    /**
     * @param field    the field
     * @param fallback the value when absent
     * @return the text of a scalar (strings and numbers alike)
     * @throws CaptureException if the value is a list or mapping
     */
    String text(String field, String fallback) throws CaptureException {
        Object value = map.get(field);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw error(field, "must be a plain value, was " + describe(value));
    }

    /**
     * @param field    the field
     * @param fallback the value when absent
     * @param max      the largest allowed value
     * @return a whole number in {@code 0..max}
     * @throws CaptureException if the value is not a whole number or out of range
     */
    long number(String field, long fallback, long max) throws CaptureException {
        Object value = map.get(field);
        if (value == null) {
            return fallback;
        }
        long n;
        if (value instanceof Integer || value instanceof Long) {
            n = ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            if (big.bitLength() > 63) {
                throw error(field, "must be at most " + max + ", was " + big);
            }
            n = big.longValue();
        } else {
            throw error(field, "must be a whole number, was " + describe(value));
        }
        if (n < 0) {
            throw error(field, "must not be negative, was " + n);
        }
        if (n > max) {
            throw error(field, "must be at most " + max + ", was " + n);
        }
        return n;
    }

    /**
     * @param field    the field
     * @param fallback the value when absent
     * @return 0 or 1, written as a number or as {@code false} / {@code true}
     * @throws CaptureException for anything else
     */
    int flag(String field, int fallback) throws CaptureException {
        Object value = map.get(field);
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return (int) number(field, fallback, 1);
    }

    /**
     * @param field    the field
     * @param fallback the value when absent
     * @return the value, written as {@code true} / {@code false} or 1 / 0
     * @throws CaptureException for anything else
     */
    boolean bool(String field, boolean fallback) throws CaptureException {
        return flag(field, fallback ? 1 : 0) == 1;
    }

    /**
     * @param field    the field
     * @param fallback the value when absent
     * @return an IPv4 or IPv6 literal
     * @throws CaptureException if the value is not an IP literal
     */
    IpAddress address(String field, IpAddress fallback) throws CaptureException {
        Object value = map.get(field);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String text)) {
            throw error(field, "must be an IP address literal (quote IPv6 addresses that YAML reads as numbers), was "
                    + describe(value));
        }
        if (text.indexOf(':') < 0 && text.chars().filter(c -> c == '.').count() != 3) {
            throw error(field, "an IPv4 address needs four dotted parts, was '" + text + "'");
        }
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(field, e.getMessage());
        }
    }

    /**
     * @param field    the field
     * @param type     the enum
     * @param fallback the value when absent
     * @param <E>      the enum type
     * @return the constant whose name matches the value, ignoring case
     * @throws CaptureException if none matches
     */
    <E extends Enum<E>> E choice(String field, Class<E> type, E fallback) throws CaptureException {
        Object value = map.get(field);
        if (value == null) {
            return fallback;
        }
        String name = value.toString().toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        TreeSet<String> allowed = new TreeSet<>();
        for (E constant : type.getEnumConstants()) {
            allowed.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw error(field, "must be one of " + allowed + ", was " + describe(value));
    }

    /**
     * @param field   the field
     * @param problem what is wrong with it
     * @return an exception naming the script, the place and the field
     */
    CaptureException error(String field, String problem) {
        return new CaptureException(where + ", field '" + field + "': " + problem);
    }

    /**
     * @param value a loaded YAML value
     * @return the value and its YAML kind, for messages
     */
    static String describe(Object value) {
        if (value instanceof String s) {
            return "'" + s + "'";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof Iterable) {
            return "a list";
        }
        return String.valueOf(value);
    }
}
