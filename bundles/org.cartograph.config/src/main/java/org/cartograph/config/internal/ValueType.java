package org.cartograph.config.internal;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a configuration key: turns the text of one value (from YAML or from an
 * environment variable) into the object written to ConfigurationAdmin, or says what was
 * expected. Implementations are immutable and thread-safe.
 */
sealed interface ValueType {

    /** @return what a valid value looks like, for messages, e.g. {@code an integer between 1 and 300} */
    String expected();

    /**
     * @param text       the value as written, never null
     * @param workingDir the directory relative paths are resolved against
     * @return the value to store (Boolean, Integer, String)
     * @throws InvalidValueException if the text is not a valid value of this type
     */
    Object parse(String text, Path workingDir) throws InvalidValueException;

    /** A value that does not fit its type; the detail, if any, never repeats the value. */
    final class InvalidValueException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param detail why, in a few words, or null if {@link ValueType#expected()} says it all */
        InvalidValueException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** true/false, also yes/no, on/off and 1/0 as YAML 1.1 and Go's ParseBool accept. */
    record Bool() implements ValueType {
        @Override
        public String expected() {
            return "true or false";
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> Boolean.TRUE;
                case "false", "no", "off", "0" -> Boolean.FALSE;
                default -> throw new InvalidValueException(null);
            };
        }
    }

    /**
     * An integer in a closed range, stored as {@link Integer}.
     *
     * @param noun what it is, e.g. {@code an integer} or {@code a port number}
     */
    record Int(String noun, int min, int max) implements ValueType {
        private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+(?:_[0-9]+)*");

        @Override
        public String expected() {
            return noun + " between " + min + " and " + max;
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            String t = text.trim();
            if (!INTEGER.matcher(t).matches()) {
                throw new InvalidValueException(null);
            }
            long value;
            try {
                value = Long.parseLong(t.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new InvalidValueException(null);
            }
            if (value < min || value > max) {
                throw new InvalidValueException(null);
            }
            return (int) value;
        }
    }

    /**
     * A duration in whole seconds, stored as {@link Integer}: {@code 10s}, {@code 1m}, {@code 1m30s},
     * {@code 1h}, or a bare integer meaning seconds. Sub-second values are rejected.
     */
    record Duration(int minSeconds, int maxSeconds) implements ValueType {
        private static final Pattern SECONDS = Pattern.compile("\\+?[0-9]{1,9}");
        private static final Pattern UNITS = Pattern.compile("(?:([0-9]{1,6})h)?(?:([0-9]{1,6})m)?(?:([0-9]{1,9})s)?");
        private static final Pattern SUB_SECOND = Pattern.compile(".*[0-9](?:ms|us|µs|ns)|.*[0-9]\\.[0-9].*");

        @Override
        public String expected() {
            return "a duration between " + format(minSeconds) + " and " + format(maxSeconds) + " such as 10s";
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            String t = text.trim().toLowerCase(Locale.ROOT);
            long seconds;
            if (SECONDS.matcher(t).matches()) {
                seconds = Long.parseLong(t);
            } else {
                Matcher m = UNITS.matcher(t);
                if (t.isEmpty() || !m.matches()) {
                    throw new InvalidValueException(
                            SUB_SECOND.matcher(t).matches() ? "sub-second values are not supported" : null);
                }
                seconds = part(m.group(1)) * 3600 + part(m.group(2)) * 60 + part(m.group(3));
            }
            if (seconds < minSeconds || seconds > maxSeconds) {
                throw new InvalidValueException(null);
            }
            return (int) seconds;
        }

        private static long part(String digits) {
            return digits == null ? 0 : Long.parseLong(digits);
        }

        /** @return {@code 90s}, {@code 5m}, {@code 1h}: the largest unit that divides it */
        static String format(int seconds) {
            if (seconds != 0 && seconds % 3600 == 0) {
                return seconds / 3600 + "h";
            }
            if (seconds != 0 && seconds % 60 == 0) {
                return seconds / 60 + "m";
            }
            return seconds + "s";
        }
    }

    /** A string, stored as is; if {@code nonEmpty}, blank strings are rejected. */
    record Text(boolean nonEmpty) implements ValueType {
        @Override
        public String expected() {
            return nonEmpty ? "a non-empty string" : "a string";
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            if (nonEmpty && text.isBlank()) {
                throw new InvalidValueException(null);
            }
            return text;
        }
    }

    /**
     * A file system path, stored as an absolute, normalized string resolved against the working
     * directory. If {@code allowStdout}, {@code -} and {@code stdout} are stored as written.
     */
    record FsPath(boolean allowStdout) implements ValueType {
        @Override
        public String expected() {
            return allowStdout ? "a file path, or - or stdout" : "a file path";
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            String t = text.trim();
            if (allowStdout && (t.equals("-") || t.equals("stdout"))) {
                return t;
            }
            if (t.isEmpty()) {
                throw new InvalidValueException(null);
            }
            try {
                return workingDir.resolve(t).toAbsolutePath().normalize().toString();
            } catch (InvalidPathException e) {
                throw new InvalidValueException("not a valid path");
            }
        }
    }

    /** An IP address literal or a DNS host name, stored as written (trimmed). */
    record Host() implements ValueType {
        private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

        @Override
        public String expected() {
            return "an IP address or a host name";
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            String t = text.trim();
            if (t.isEmpty()) {
                throw new InvalidValueException(null);
            }
            if (isIpLiteral(t) || isHostName(t)) {
                return t;
            }
            throw new InvalidValueException(null);
        }

        private static boolean isIpLiteral(String t) {
            try {
                InetAddress.ofLiteral(t);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        private static boolean isHostName(String t) {
            String name = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
            if (name.isEmpty() || name.length() > 253) {
                return false;
            }
            for (String label : name.split("\\.", -1)) {
                if (!LABEL.matcher(label).matches()) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A list of non-empty strings, stored as {@code String[]}. In YAML a sequence; in the
     * environment (or as a YAML scalar) items separated by commas or white space.
     */
    record StringList() implements ValueType {
        @Override
        public String expected() {
            return "a list of strings such as [A, AAAA]";
        }

        @Override
        public Object parse(String text, Path workingDir) {
            return items(Arrays.asList(text.split("[,\\s]+")));
        }

        /**
         * @param items the items of a YAML sequence
         * @return the trimmed, non-empty items as {@code String[]}
         */
        String[] items(List<String> items) {
            return items.stream().map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
        }
    }

    /**
     * Request headers as {@code name=value} entries, stored as {@code String[]}. As text (an
     * environment variable such as {@code OTEL_EXPORTER_OTLP_HEADERS}) the entries are separated
     * by commas only and their values are percent-decoded, as the OpenTelemetry specification
     * defines for that variable; YAML sequence items are taken as written.
     */
    record HeaderList() implements ValueType {
        @Override
        public String expected() {
            return "name=value entries separated by commas, such as authorization=Bearer%20abc";
        }

        @Override
        public Object parse(String text, Path workingDir) throws InvalidValueException {
            List<String> out = new ArrayList<>();
            for (String entry : text.split(",")) {
                String e = entry.trim();
                if (!e.isEmpty()) {
                    int eq = checkedEquals(e);
                    out.add(e.substring(0, eq).trim() + "=" + percentDecode(e.substring(eq + 1).trim()));
                }
            }
            return out.toArray(String[]::new);
        }

        /**
         * @param items the items of a YAML sequence
         * @return the trimmed, non-empty items as {@code String[]}
         * @throws InvalidValueException if an item has no name or no {@code =}
         */
        String[] items(List<String> items) throws InvalidValueException {
            List<String> out = new ArrayList<>();
            for (String item : items) {
                String e = item.trim();
                if (!e.isEmpty()) {
                    checkedEquals(e);
                    out.add(e);
                }
            }
            return out.toArray(String[]::new);
        }

        private static int checkedEquals(String entry) throws InvalidValueException {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new InvalidValueException("an entry without name=");
            }
            return eq;
        }

        private static String percentDecode(String value) throws InvalidValueException {
            if (value.indexOf('%') < 0) {
                return value;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
            byte[] raw = value.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] != '%') {
                    bytes.write(raw[i]);
                    continue;
                }
                int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
                if (lo < 0) {
                    throw new InvalidValueException("a % not followed by two hex digits");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
