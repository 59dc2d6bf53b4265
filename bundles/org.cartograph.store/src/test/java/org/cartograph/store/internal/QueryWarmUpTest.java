package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up runs the map's query against the real database, and fails quietly once it is closed. */
class QueryWarmUpTest {

    @TempDir
    Path dir;

    @Test
    void runsTheMapQueryAndGivesUpQuietlyOnAClosedStore() throws Exception {
        StoreSink store = new StoreSink(Scenario.config(dir.toString()));
        try {
            Scenario s = new Scenario()
                    .flow("web", "zone-a", "db", "zone-b", "10.0.0.9", 100, 200, 5, 0, Map.of())
                    .flow("web", "zone-a", "cache", "zone-a", "10.0.0.7", 10, 20, 5, 0, Map.of());
            store.deliver(s.batch(1)).toCompletableFuture().join();
            assertEquals(2, QueryWarmUp.run(store, Scenario.at(2)), "node -> node, traffic class: two edges");
            Thread background = QueryWarmUp.start(store);
            background.join(Duration.ofSeconds(30));
            assertFalse(background.isAlive(), "the background warm-up finished");
        } finally {
            store.deactivate();
        }
        assertEquals(-1, QueryWarmUp.run(store, Scenario.at(2)));
    }
}
