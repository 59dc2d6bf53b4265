package org.cartograph.config.internal;

import java.util.List;
import java.util.Objects;

/**
 * A value as read, before it is checked: the text of a YAML scalar or an environment variable,
 * or the items of a YAML sequence. Immutable.
 *
 * @param key             the key it sets
 * @param shape           what the YAML node was (always {@link Shape#SCALAR} from the environment)
 * @param text            the scalar text; empty unless {@code shape} is SCALAR
 * @param items           the sequence items; empty unless {@code shape} is LIST
 * @param source          the file, or {@code environment variable X}
 * @param line            the 1-based line of the key in the file, 0 for the environment
 * @param fromEnvironment true if read from an environment variable
 */
record RawValue(ConfigKey key, Shape shape, String text, List<String> items, String source, int line,
                boolean fromEnvironment) {

    /** What a YAML value node was. */
    enum Shape {
        /** A plain or quoted scalar. */
        SCALAR("a scalar"),
        /** A sequence of scalars. */
        LIST("a list"),
        /** A mapping. */
        MAPPING("a mapping"),
        /** A sequence holding sequences or mappings. */
        NESTED_LIST("a list of lists or mappings");

        private final String description;

        Shape(String description) {
            this.description = description;
        }

        /** @return how it is named in messages, e.g. {@code a mapping} */
        String description() {
            return description;
        }
    }

    /** Checks required parts and copies the list. */
    RawValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(source, "source");
        text = text == null ? "" : text;
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** @return a scalar value from a file */
    static RawValue scalar(ConfigKey key, String text, String file, int line) {
        return new RawValue(key, Shape.SCALAR, text, List.of(), file, line, false);
    }

    /** @return a value from an environment variable */
    static RawValue environment(ConfigKey key, String text, String variable) {
        return new RawValue(key, Shape.SCALAR, text, List.of(), "environment variable " + variable, 0, true);
    }

    /** @return a value from a file that has no scalar text ({@code items} only for LIST) */
    static RawValue structured(ConfigKey key, Shape shape, List<String> items, String file, int line) {
        return new RawValue(key, shape, "", items, file, line, false);
    }
}
