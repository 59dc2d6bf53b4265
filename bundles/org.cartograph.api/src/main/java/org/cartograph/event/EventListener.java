package org.cartograph.event;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives network events as they are detected. Published as an OSGi service (a sink that also
 * wants events implements it next to {@link org.cartograph.sink.FlowSink}); the analysis calls
 * every listener on its own thread. Must return quickly (queue slow work) and never throw.
 */
@ConsumerType
public interface EventListener {

    /** @param events events detected in one analysis run, oldest first; never empty */
    void onEvents(List<NetworkEvent> events);
}
