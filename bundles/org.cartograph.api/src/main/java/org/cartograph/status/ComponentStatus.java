package org.cartograph.status;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One component's health as shown in {@code /status}, the Web Console and the UI. Holds no
 * secrets.
 *
 * @param component  a stable name, e.g. {@code sink.jsonl} or {@code capture.ebpf}
 * @param health     how it is doing
 * @param message    what a user should know, empty if nothing
 * @param counters   named counters (delivered, dropped, retries, ...); unmodifiable
 * @param attributes named facts (variant, peer address, ...); unmodifiable
 * @param since      when the health last changed
 */
public record ComponentStatus(String component, Health health, String message, Map<String, Long> counters,
                              Map<String, String> attributes, Instant since) {

    /** Checks required parts and copies maps. */
    public ComponentStatus {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(health, "health");
        message = message == null ? "" : message;
        counters = counters == null ? Map.of() : Map.copyOf(counters);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        since = since == null ? Instant.EPOCH : since;
    }
}
