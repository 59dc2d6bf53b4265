package org.cartograph.core.internal;

import org.cartograph.capture.ConnectionView;

/** Receives the deltas {@link DeltaEngine} computes; both arguments are valid only during the call. */
@FunctionalInterface
public interface DeltaListener {

    /**
     * @param connection the connection's identity and cumulative counters
     * @param delta      what changed since the consumer's previous interval
     */
    void onDelta(ConnectionView connection, Delta delta);
}
