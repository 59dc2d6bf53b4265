package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store keeps its data across restarts and deletes by age and by size. */
class RetentionTest {

    @TempDir
    Path dir;

    private static long bytes(StoreSink store) throws Exception {
        Map<String, String> p = Map.of("from", Scenario.T0.minusSeconds(3600 * 24 * 30).toString(),
                "to", Scenario.at(100_000).toString(), "measures", "bytes");
        List<AggregateQuery.Row> rows = store.aggregate(AggregateRequest.parse(p::get, Dataset.FLOWS, Scenario.at(0)));
        return rows.isEmpty() || rows.get(0).values().get("bytes") == null ? 0 : (Long) rows.get(0).values().get("bytes");
    }

    @Test
    void survivesARestartAndDeletesByAge() throws Exception {
        Scenario s = new Scenario().flow("web", "a", "db", "a", "10.0.1.5", 100, 0, 10, 1, Map.of());
        StoreSink store = new StoreSink(Scenario.config(dir.toString(), 1, 2048));
        store.deliver(s.batch(0)).toCompletableFuture().join();
        store.deliver(s.batch(360)).toCompletableFuture().join(); // one hour later
        store.deactivate();

        StoreSink reopened = new StoreSink(Scenario.config(dir.toString(), 1, 2048));
        try {
            assertEquals(200, bytes(reopened), "both batches survive the restart");
            reopened.runOnStoreThread(() -> reopened.retain(Scenario.at(361)));
            assertEquals(100, bytes(reopened), "the batch older than one hour is gone");
            assertTrue(reopened.status().get(0).counters().get("rows_deleted") >= 1);
        } finally {
            reopened.deactivate();
        }
    }

    @Test
    void deletesTheOldestRowsWhenOverTheSizeLimitOnceNotAtEveryTick() throws Exception {
        // 8 MB (the configuration's minimum is 16): the same code path with half as many batches
        StoreSink store = new StoreSink(Scenario.config(dir.toString(), 24 * 365, 8, 3600));
        try {
            Scenario s = new Scenario();
            for (int f = 0; f < 2000; f++) {
                s.flow("svc-" + f, "zone-a", "dst-" + (f % 50), "zone-b", "10.1." + (f / 250) + "." + (f % 250),
                        1000 + f, 2000 + f, 100 + f, 1, Map.of());
            }
            // a retention tick after every fifth batch
            int batches = 0;
            while (counter(store, "rows_deleted") == 0 && batches < 1000) {
                store.deliver(s.batch(batches)).toCompletableFuture().join();
                Instant now = Scenario.at(batches++);
                if (batches % 5 == 0) {
                    store.runOnStoreThread(() -> store.retain(now));
                }
            }
            assertTrue(counter(store, "rows_deleted") > 0, "the test fills the store past its limit");
            long before = counter(store, "rows_written");
            long after = rows(store);
            assertTrue(after < before * 0.85, "oldest rows deleted: " + before + " -> " + after);
            assertTrue(after > 0);
            assertTrue(counter(store, "used_bytes") <= 8L * 1024 * 1024, store.status().toString());
            // the file does not shrink, but its freed blocks are not counted again: the next tick deletes nothing
            Instant later = Scenario.at(batches);
            store.runOnStoreThread(() -> store.retain(later));
            assertEquals(after, rows(store), "a second tick under the limit deletes nothing");
            // freed blocks stay in the file for reuse: it is larger than what is used, by about what one
            // checkpoint rewrites, not by what was deleted
            assertTrue(counter(store, "size_bytes") < 16L * 1024 * 1024, store.status().toString());
        } finally {
            store.deactivate();
        }
    }

    private static long counter(StoreSink store, String name) {
        return store.status().get(0).counters().get(name);
    }


    private static long rows(StoreSink store) throws Exception {
        Map<String, String> p = Map.of("from", Scenario.T0.minusSeconds(10).toString(),
                "to", Scenario.at(100_000).toString(), "measures", "flows");
        return (Long) store.aggregate(AggregateRequest.parse(p::get, Dataset.FLOWS, Scenario.at(0))).get(0).values().get("flows");
    }
}
