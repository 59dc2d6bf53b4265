package org.cartograph.config.internal;

import org.slf4j.Logger;

/**
 * Receives configuration warnings (unknown keys and variables). Tests pass their own to see the
 * warnings; the components log them. Messages never contain values, so never secrets.
 */
@FunctionalInterface
interface WarningSink {

    /** @param message one warning, naming the file and line or the variable */
    void warn(String message);

    /** @return a sink that logs each warning at WARN on {@code log} */
    static WarningSink logTo(Logger log) {
        return message -> log.warn("{}", message);
    }
}
