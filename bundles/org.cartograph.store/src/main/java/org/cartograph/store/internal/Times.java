package org.cartograph.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Time conversions: the store keeps UTC times as DuckDB {@code TIMESTAMP} in microseconds. */
final class Times {

    private static final Pattern RELATIVE = Pattern.compile("(?:now)?-?(\\d+)([smhdw])");

    private Times() {
    }

    /** @return microseconds since the epoch */
    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    /** @return the instant of microseconds since the epoch */
    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    /**
     * Parses an API time: an ISO-8601 instant ({@code 2026-11-25T06:00:00Z}), seconds since the epoch,
     * {@code now}, or a time before now such as {@code -15m}, {@code now-1h}, {@code 2d}.
     *
     * @param text the parameter, null or blank for the fallback
     * @param now  the current time
     * @param fallback returned for a missing parameter
     * @return the instant
     * @throws IllegalArgumentException naming the text if it is none of these
     */
    static Instant parse(String text, Instant now, Instant fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        String t = text.strip();
        if (t.equals("now")) {
            return now;
        }
        if (t.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochSecond(Long.parseLong(t));
        }
        Matcher m = RELATIVE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a time such as 2026-11-25T06:00:00Z, 1764050400, now or -15m, got '"
                    + text + "'", e);
        }
    }
}
