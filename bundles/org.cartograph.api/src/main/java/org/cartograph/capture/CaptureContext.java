package org.cartograph.capture;

import java.time.Clock;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the core gives a backend when it opens it. Thread-safe.
 */
@ProviderType
public interface CaptureContext {

    /** @return the core's capture settings (bounds, what to collect) */
    CaptureSettings settings();

    /** @return the clock to time events with */
    Clock clock();

    /** @return the bounded buffer closed connections go to; safe to use from any thread */
    ClosedConnectionBuffer closedConnections();
}
