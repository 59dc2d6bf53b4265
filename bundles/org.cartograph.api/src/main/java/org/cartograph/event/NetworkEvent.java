package org.cartograph.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something analysis found in the traffic.
 *
 * @param time        when it was detected
 * @param kind        e.g. {@code new_dependency}, {@code dependency_stopped},
 *                    {@code outage_suspected}, {@code outage_resolved}
 * @param source      the source end (a service, container, ... name), empty if none
 * @param destination the destination end (service, domain, provider region), empty if none
 * @param message     one sentence a person can act on
 * @param evidence    the numbers behind it (e.g. {@code failure_rate}, {@code baseline_rate}); unmodifiable
 */
public record NetworkEvent(Instant time, String kind, String source, String destination, String message,
                           Map<String, String> evidence) {

    /** Checks required parts and copies the map. */
    public NetworkEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        source = source == null ? "" : source;
        destination = destination == null ? "" : destination;
        message = message == null ? "" : message;
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }
}
