package org.cartograph.metadata.docker.internal;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Docker provider's health and counters. Thread-safe; logs health changes only. */
final class DockerStatus {

    /** The component name in status. */
    static final String COMPONENT = "metadata.docker";

    private static final Logger LOG = LoggerFactory.getLogger(DockerStatus.class);

    private record Condition(Health health, String message, Instant since) {
    }

    private final String host;
    private final AtomicLong containers = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean everSynced;
    /** Replaced as a whole under this. */
    private volatile Condition condition = new Condition(Health.STARTING, "connecting", Instant.now());

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
        Condition old = condition;
        if (old.health() != health) {
            if (health == Health.OK) {
                LOG.info("Docker metadata from {}: {}", host, message);
            } else {
                LOG.warn("Docker metadata: {}", message);
            }
            condition = new Condition(health, message, Instant.now());
        } else if (!old.message().equals(message)) {
            condition = new Condition(health, message, old.since());
        }
    }

    ComponentStatus snapshot() {
        Condition c = condition;
        return new ComponentStatus(COMPONENT, c.health(), c.message(),
                Map.of("containers", containers.get(), "events", events.get(), "resyncs", resyncs.get(),
                        "failures", failures.get(), "skipped", skipped.get()),
                Map.of("host", host), c.since());
    }

    Health health() {
        return condition.health();
    }
}
