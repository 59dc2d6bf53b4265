package org.cartograph.config.internal;

/**
 * One configuration error. Never holds a secret value.
 *
 * @param source the file, {@code environment variable X} or {@code framework property X}
 * @param line   the 1-based line in the file, 0 if none
 * @param key    the dotted key concerned, or null if the error is not about one key
 * @param text   what is wrong, e.g. {@code expected true or false, got 'maybe'}
 */
record Problem(String source, int line, String key, String text) {

    /** @return {@code source:line: key: text}, the form used in messages */
    @Override
    public String toString() {
        String where = line > 0 ? source + ":" + line : source;
        return key == null ? where + ": " + text : where + ": " + key + ": " + text;
    }
}
