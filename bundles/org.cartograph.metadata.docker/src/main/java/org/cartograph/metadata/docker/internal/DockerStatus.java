package org.cartograph.metadata.docker.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.HealthState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Docker provider's health and counters. Thread-safe; logs health changes only. */
final class DockerStatus {

    /** The component name in status. */
    static final String COMPONENT = "metadata.docker";

    private static final Logger LOG = LoggerFactory.getLogger(DockerStatus.class);

    private final String host;
    private final AtomicLong containers = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean everSynced;
    private final HealthState state = new HealthState(Health.STARTING, "connecting");

    DockerStatus(String host) {
        this.host = host;
    }

    void synced(int running) {
        resyncs.incrementAndGet();
        everSynced = true;
        running(running);
    }

    void running(int running) {
        containers.set(running);
        set(Health.OK, running + " running containers");
    }

    void event() {
        events.incrementAndGet();
    }

    void skipped() {
        skipped.incrementAndGet();
    }

    void failed(String why) {
        failures.incrementAndGet();
        if (everSynced) {
            set(Health.DEGRADED, "Docker API at " + host + " unavailable (" + why + "); retrying with backoff, keeping the last "
                    + containers.get() + " containers");
        } else {
            set(Health.DOWN, "Docker API at " + host + " unavailable (" + why + "); retrying with backoff");
        }
    }

    private synchronized void set(Health health, String message) {
        if (state.set(health, message)) {
            if (health == Health.OK) {
                LOG.info("Docker metadata from {}: {}", host, message);
            } else {
                LOG.warn("Docker metadata: {}", message);
            }
        }
    }

    ComponentStatus snapshot() {
        return state.status(COMPONENT, Map.of("containers", containers.get(), "events", events.get(),
                "resyncs", resyncs.get(), "failures", failures.get(), "skipped", skipped.get()), Map.of("host", host));
    }

    Health health() {
        return state.health();
    }
}
