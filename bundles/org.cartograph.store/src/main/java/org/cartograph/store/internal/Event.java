package org.cartograph.store.internal;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something the analysis noticed: a new or stopped dependency, a suspected or resolved outage.
 *
 * @param time        when it was detected (the end of the detection window)
 * @param kind        {@link #NEW_DEPENDENCY}, {@link #DEPENDENCY_STOPPED}, {@link #OUTAGE_SUSPECTED} or
 *                    {@link #OUTAGE_RESOLVED}
 * @param source      the source node, empty for outages
 * @param destination the destination node (service, domain, address)
 * @param message     one sentence a user can read
 * @param evidence    the numbers behind it, by name (String, Long or Double values); unmodifiable
 */
record Event(Instant time, String kind, String source, String destination, String message,
             Map<String, Object> evidence) {

    /** An edge seen in the detection window and not in the baseline window. */
    static final String NEW_DEPENDENCY = "new_dependency";
    /** An edge seen in the baseline window and not in the detection window. */
    static final String DEPENDENCY_STOPPED = "dependency_stopped";
    /** A destination's failures jumped against its baseline. */
    static final String OUTAGE_SUSPECTED = "outage_suspected";
    /** A suspected outage's destination answers normally again. */
    static final String OUTAGE_RESOLVED = "outage_resolved";

    Event {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        source = source == null ? "" : source;
        destination = destination == null ? "" : destination;
        message = message == null ? "" : message;
        evidence = evidence == null ? Map.of() : Map.copyOf(evidence);
    }
}
