package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's own checkpoints, against a real DuckDB file. */
class MaintenanceTest {

    @TempDir
    Path dir;

    private static Scenario flows(int n) {
        Scenario s = new Scenario();
        for (int f = 0; f < n; f++) {
            s.flow("svc-" + f, "zone-a", "dst-" + (f % 50), "zone-b", "10.1." + (f / 250) + "." + (f % 250),
                    1000 + f, 2000 + f, 100 + f, 1, Map.of());
        }
        return s;
    }

    @Test
    void theStoreCheckpointsAfterABatchOnceTheLogReachesItsSize() throws Exception {
        // 16 MB: the store checkpoints at 2 MiB of write-ahead log, DuckDB itself only at 4 MiB
        StoreSink store = new StoreSink(Scenario.config(dir.toString(), 24, 16, 3600));
        try {
            Scenario s = flows(2000);
            long largest = 0;
            for (int i = 0; i < 30; i++) {
                store.deliver(s.batch(i)).toCompletableFuture().join();
                store.runOnStoreThread(() -> { }); // the checkpoint queued behind the batch, if any
                largest = Math.max(largest, counter(store, "wal_bytes"));
            }
            assertTrue(counter(store, "checkpoints") >= 2, store.status().toString());
            assertTrue(largest < Maintenance.checkpointWal(16L << 20) + (1L << 20), "largest log " + largest);
            Map<String, String> p = Map.of("from", Scenario.T0.minusSeconds(10).toString(),
                    "to", Scenario.at(30).toString(), "measures", "flows");
            assertEquals(60_000L, store.aggregate(AggregateRequest.parse(p::get, Dataset.FLOWS, Scenario.at(30)))
                    .get(0).values().get("flows"));
        } finally {
            store.deactivate();
        }
    }

    @Test
    void theRetentionTickCheckpointsALogThatWaitedLongEnough() throws Exception {
        try (Database db = new Database(dir.resolve(Database.FILE), 128, 1, 64)) {
            Maintenance m = new Maintenance(db, Duration.ofDays(1), 1L << 30, Maintenance.checkpointWal(1L << 30),
                    Duration.ZERO);
            new BatchWriter(db.writer()).write(flows(100).batch(1));
            assertTrue(db.walBytes() > 0, "the batch is in the write-ahead log");
            assertEquals(0, m.retain(Scenario.at(2)));
            assertEquals(0, db.walBytes());
            assertEquals(1, m.checkpoints());
            m.retain(Scenario.at(3));
            assertEquals(1, m.checkpoints(), "an empty log is not checkpointed");
            assertEquals(100, db.rows("flows"));
        }
    }

    @Test
    void theLogSizeFollowsTheSizeLimit() {
        assertEquals(2L << 20, Maintenance.checkpointWal(16L << 20));
        assertEquals(Maintenance.MAX_CHECKPOINT_WAL, Maintenance.checkpointWal(2048L << 20));
        assertEquals(Maintenance.MIN_CHECKPOINT_WAL, Maintenance.checkpointWal(1L << 20));
    }

    private static long counter(StoreSink store, String name) {
        return store.status().get(0).counters().get(name);
    }
}
