package org.cartograph.metadata.kubernetes.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.HealthState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kubernetes provider's health and counters. Thread-safe; logs health changes only. */
final class KubeStatus {

    /** The component name in status. */
    static final String COMPONENT = "metadata.kubernetes";

    private static final Logger LOG = LoggerFactory.getLogger(KubeStatus.class);

    private final String server;
    private final AtomicLong entities = new AtomicLong();
    private final AtomicLong pods = new AtomicLong();
    private final AtomicLong services = new AtomicLong();
    private final AtomicLong rebuilds = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String lastError = "";
    private volatile boolean everWritten;
    private volatile boolean everWatching;
    private final HealthState state = new HealthState(Health.STARTING, "connecting");

    KubeStatus(String server) {
        this.server = server;
    }

    void written(int total, int podCount, int serviceCount) {
        entities.set(total);
        pods.set(podCount);
        services.set(serviceCount);
        rebuilds.incrementAndGet();
        everWritten = true;
    }

    void error(String what, Throwable t) {
        errors.incrementAndGet();
        lastError = what + ": " + (t.getMessage() == null ? t.toString() : t.getMessage());
        LOG.debug("Kubernetes API error for {}", what, t);
    }

    void watching(List<String> notWatching) {
        if (notWatching.isEmpty()) {
            everWatching = true;
            set(Health.OK, pods.get() + " pods, " + services.get() + " services");
        } else if (!everWatching && lastError.isEmpty()) {
            set(Health.STARTING, "connecting to " + server);
        } else if (everWritten) {
            set(Health.DEGRADED, "Kubernetes API at " + server + " unavailable (not watching " + String.join(", ", notWatching)
                    + (lastError.isEmpty() ? "" : "; " + lastError) + "); informers retry, keeping the last good data");
        } else {
            set(Health.DOWN, "Kubernetes API at " + server + " unavailable (not watching " + String.join(", ", notWatching)
                    + (lastError.isEmpty() ? "" : "; " + lastError) + "); informers retry");
        }
    }

    private synchronized void set(Health health, String message) {
        if (state.set(health, message)) {
            if (health == Health.OK) {
                LOG.info("Kubernetes metadata from {}: {}", server, message);
            } else {
                LOG.warn("Kubernetes metadata: {}", message);
            }
        }
    }

    ComponentStatus snapshot() {
        return state.status(COMPONENT, Map.of("entities", entities.get(), "pods", pods.get(), "services",
                services.get(), "rebuilds", rebuilds.get(), "errors", errors.get()), Map.of("server", server));
    }
}
