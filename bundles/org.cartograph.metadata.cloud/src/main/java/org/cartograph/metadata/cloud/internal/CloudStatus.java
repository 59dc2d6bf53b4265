package org.cartograph.metadata.cloud.internal;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cloud provider's health and counters. Thread-safe; logs health changes only. */
final class CloudStatus {

    /** The component name in status. */
    static final String COMPONENT = "metadata.cloud";

    private static final Logger LOG = LoggerFactory.getLogger(CloudStatus.class);

    private record Snapshot(Health health, String message, long prefixes, long skipped, Map<String, String> host,
                            Instant since) {
    }

    private final AtomicLong failures = new AtomicLong();
    private volatile Snapshot current = new Snapshot(Health.STARTING, "starting", 0, 0, Map.of(), Instant.now());

    synchronized void update(List<String> problems, long prefixes, long skipped, Map<String, String> host) {
        Health health;
        String message;
        if (problems.isEmpty()) {
            health = Health.OK;
            message = prefixes + " cloud prefixes" + (host.isEmpty() ? ", host not on a known cloud"
                    : ", host on " + host.get("cloud_provider") + " " + host.getOrDefault("availability_zone", ""));
        } else {
            failures.incrementAndGet();
            health = prefixes > 0 || !host.isEmpty() ? Health.DEGRADED : Health.DOWN;
            message = String.join("; ", problems) + "; retrying with backoff, keeping the last good data";
        }
        set(health, message, prefixes, skipped, host);
    }

    synchronized void problem(String message) {
        failures.incrementAndGet();
        Snapshot s = current;
        set(s.prefixes() > 0 ? Health.DEGRADED : Health.DOWN, message, s.prefixes(), s.skipped(), s.host());
    }

    private void set(Health health, String message, long prefixes, long skipped, Map<String, String> host) {
        Snapshot old = current;
        Instant since = old.since();
        if (old.health() != health) {
            since = Instant.now();
            if (health == Health.OK) {
                LOG.info("cloud metadata: {}", message);
            } else {
                LOG.warn("cloud metadata: {}", message);
            }
        }
        current = new Snapshot(health, message, prefixes, skipped, Map.copyOf(host), since);
    }

    ComponentStatus snapshot() {
        Snapshot s = current;
        Map<String, String> attributes = new HashMap<>(s.host());
        return new ComponentStatus(COMPONENT, s.health(), s.message(),
                Map.of("prefixes", s.prefixes(), "skipped_entries", s.skipped(), "failures", failures.get()),
                attributes, s.since());
    }

    Map<String, String> hostTags() {
        return current.host();
    }
}
