package org.cartograph.metadata.ecs.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.HealthState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ECS provider's health and counters. Thread-safe; logs health changes only. */
final class EcsStatus {

    /** The component name in status. */
    static final String COMPONENT = "metadata.ecs";

    private static final Logger LOG = LoggerFactory.getLogger(EcsStatus.class);

    private final Map<String, String> endpoints;
    /** Polls made. */
    final AtomicLong polls = new AtomicLong();
    /** Polls with at least one failed request. */
    final AtomicLong failures = new AtomicLong();
    /** Containers of this task (task metadata endpoint). */
    final AtomicLong containers = new AtomicLong();
    /** Other tasks on the host (introspection API). */
    final AtomicLong hostTasks = new AtomicLong();
    /** Containers of other tasks on the host (introspection API). */
    final AtomicLong hostContainers = new AtomicLong();
    private final HealthState state = new HealthState(Health.STARTING, "polling");

    /** @param endpoints the endpoints polled, by name (shown as attributes) */
    EcsStatus(Map<String, String> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    synchronized void set(Health health, String message) {
        if (state.set(health, message)) {
            if (health == Health.OK) {
                LOG.info("ECS metadata: {}", message);
            } else {
                LOG.warn("ECS metadata: {}", message);
            }
        }
    }

    ComponentStatus snapshot() {
        return state.status(COMPONENT, Map.of("polls", polls.get(), "failures", failures.get(), "containers",
                containers.get(), "host_tasks", hostTasks.get(), "host_containers", hostContainers.get()), endpoints);
    }
}
