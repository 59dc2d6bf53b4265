package org.cartograph.status;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A component's health as it changes: the current health, its message, and since when the
 * component has had this health (a new message with the same health keeps that time). Callers log
 * what {@link #set} reports as a change, so a failure repeated by every retry is logged once.
 * Thread-safe.
 *
 * @since 1.1
 */
public final class HealthState {

    private Health health;
    private String message;
    private Instant since;

    /**
     * @param initial the health to start with, e.g. {@link Health#STARTING}
     * @param message what it means, e.g. {@code "connecting"}
     */
    public HealthState(Health initial, String message) {
        this.health = Objects.requireNonNull(initial, "initial");
        this.message = Objects.requireNonNull(message, "message");
        this.since = Instant.now();
    }

    /**
     * @param newHealth  the health now
     * @param newMessage what it means
     * @return whether the health changed (not only the message)
     */
    public synchronized boolean set(Health newHealth, String newMessage) {
        Objects.requireNonNull(newHealth, "newHealth");
        Objects.requireNonNull(newMessage, "newMessage");
        boolean changed = health != newHealth;
        if (changed) {
            since = Instant.now();
        }
        health = newHealth;
        message = newMessage;
        return changed;
    }

    /** @return the health now */
    public synchronized Health health() {
        return health;
    }

    /**
     * @param component  the component's name in status
     * @param counters   its counters
     * @param attributes its attributes
     * @return the status with the current health, message and since
     */
    public synchronized ComponentStatus status(String component, Map<String, Long> counters,
                                               Map<String, String> attributes) {
        return new ComponentStatus(component, health, message, counters, attributes, since);
    }
}
