package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.FlowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scripted scenario, one batch every 10 s, detection window 60 s, baseline 300 s: web calls db
 * (1 timeout in 11 attempts, its normal) and cache; from batch 37 web also calls payments (a new
 * dependency) and cache fails 8 of 10 attempts (an outage); from batch 43 payments is gone and
 * cache is healthy again.
 */
class AnalyzerScenarioTest {

    @TempDir
    Path dir;

    private static FlowBatch batch(int i) {
        Scenario s = new Scenario()
                .flow("web", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 1000, 2000, 150, 10, Map.of(110, 1L));
        boolean incident = i >= 37 && i <= 42;
        if (incident) {
            s.flow("web", "us-east-1a", "cache", "us-east-1a", "10.0.2.5", 100, 100, 900, 2, Map.of(110, 6L, 104, 2L));
            s.flow("web", "us-east-1a", "payments", "us-east-1b", "10.0.3.5", 300, 300, 500, 1, Map.of());
        } else {
            s.flow("web", "us-east-1a", "cache", "us-east-1a", "10.0.2.5", 500, 500, 200, 10, Map.of());
        }
        return s.batch(i);
    }

    @Test
    void newDependencyAndOutageAreReportedForTheRightDestinationsOnly() throws Exception {
        StoreSink store = new StoreSink(Scenario.config(dir.toString()));
        try {
            for (int i = 1; i <= 36; i++) {
                store.deliver(batch(i)).toCompletableFuture().join();
            }
            assertEquals(List.of(), kinds(store.events(Scenario.T0, Scenario.at(36), null, 100)),
                    "a steady baseline raises nothing");

            for (int i = 37; i <= 42; i++) {
                store.deliver(batch(i)).toCompletableFuture().join();
            }
            List<Event> incident = store.events(Scenario.at(36), Scenario.at(42), null, 100);
            List<String> seen = kinds(incident);
            assertTrue(seen.contains("new_dependency web -> payments"), seen.toString());
            assertTrue(seen.contains("outage_suspected  -> cache"), seen.toString());
            assertEquals(2, seen.size(), "each reported once, nothing for db or payments: " + seen);
            Event outage = incident.stream().filter(e -> e.kind().equals(Event.OUTAGE_SUSPECTED)).findFirst().orElseThrow();
            // raised at the second failing batch: the window then holds 4 normal batches (10 attempts each)
            // and 2 failing ones (10 attempts, 8 failures each): 16 of 60
            assertEquals(Scenario.at(38), outage.time());
            assertEquals("outage suspected for cache: 27% of 60 connection attempts failed (reset 4, timeout 12,"
                    + " refused 0) in the last 60 s, against 0% of 300 in the 300 s before", outage.message());
            assertEquals(0.0, ((Number) outage.evidence().get("baseline_failure_rate")).doubleValue());
            assertEquals(16L, outage.evidence().get("failures"));

            for (int i = 43; i <= 50; i++) {
                store.deliver(batch(i)).toCompletableFuture().join();
            }
            List<String> after = kinds(store.events(Scenario.at(42), Scenario.at(50), null, 100));
            assertTrue(after.contains("dependency_stopped web -> payments"), after.toString());
            assertTrue(after.contains("outage_resolved  -> cache"), after.toString());
            assertEquals(2, after.size(), after.toString());
            assertEquals(1, store.events(Scenario.T0, Scenario.at(50), Event.NEW_DEPENDENCY, 100).size());
        } finally {
            store.deactivate();
        }
    }

    private static List<String> kinds(List<Event> events) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            out.add(e.kind() + " " + e.source() + " -> " + e.destination());
        }
        return out;
    }
}
