package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.event.EventListener;
import org.cartograph.event.NetworkEvent;

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

    @Test
    void listenersReceiveExactlyTheStoredEventsAndAThrowingOneStopsNothing() throws Exception {
        StoreSink store = new StoreSink(Scenario.config(dir.toString()));
        List<List<NetworkEvent>> calls = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        EventListener failing = events -> {
            throw new IllegalStateException("a broken listener");
        };
        EventListener recording = events -> {
            calls.add(events);
            threads.add(Thread.currentThread().getName());
        };
        store.addListener(failing);
        store.addListener(recording);
        try {
            for (int i = 1; i <= 50; i++) {
                store.deliver(batch(i)).toCompletableFuture().join();
            }

            List<NetworkEvent> received = calls.stream().flatMap(List::stream).toList();
            for (int i = 1; i < received.size(); i++) {
                assertFalse(received.get(i).time().isBefore(received.get(i - 1).time()), "oldest first: " + received);
            }
            // the same order for both: by time, then kind and ends (one run's events share its time)
            List<Event> stored = store.events(Scenario.T0, Scenario.at(50), null, 100).stream()
                    .sorted(Comparator.comparing(Event::time).thenComparing(Event::kind)
                            .thenComparing(Event::source).thenComparing(Event::destination)).toList();
            received = received.stream().sorted(Comparator.comparing(NetworkEvent::time)
                    .thenComparing(NetworkEvent::kind).thenComparing(NetworkEvent::source)
                    .thenComparing(NetworkEvent::destination)).toList();
            assertEquals(4, stored.size(), "the broken listener stops no analysis: " + kinds(stored));
            assertEquals(stored.size(), received.size(), received.toString());
            for (int i = 0; i < stored.size(); i++) {
                Event s = stored.get(i);
                NetworkEvent r = received.get(i);
                assertEquals(s.time(), r.time());
                assertEquals(s.kind(), r.kind());
                assertEquals(s.source(), r.source());
                assertEquals(s.destination(), r.destination());
                assertEquals(s.message(), r.message());
                Map<String, String> evidence = new LinkedHashMap<>();
                s.evidence().forEach((k, v) -> evidence.put(k, String.valueOf(v)));
                assertEquals(evidence, r.evidence());
            }
            NetworkEvent outage = received.stream().filter(e -> e.kind().equals(Event.OUTAGE_SUSPECTED))
                    .findFirst().orElseThrow();
            assertEquals("cache", outage.destination());
            assertEquals("16", outage.evidence().get("failures"));
            assertTrue(calls.stream().noneMatch(List::isEmpty), "never called without events");
            assertTrue(threads.stream().allMatch(StoreSink.THREAD::equals), threads.toString());
            Map<String, Long> counters = store.status().get(0).counters();
            assertEquals((long) calls.size(), counters.get("event_listener_errors"));
            assertEquals(2L, counters.get("event_listeners"));

            store.removeListener(recording);
            int before = calls.size();
            store.deliver(batch(51)).toCompletableFuture().join();
            assertEquals(before, calls.size());
            assertEquals(1L, store.status().get(0).counters().get("event_listeners"));
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
