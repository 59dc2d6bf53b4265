package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.cartograph.flow.FlowBatch;
import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch delivered again (Kafka redelivers what a killed collector had not committed) is stored
 * once, also across a restart of the store; a batch with sequence 1 again but a later time (an
 * agent that restarted) is a new batch.
 */
class DuplicateBatchTest {

    @TempDir
    Path dir;

    @Test
    void aRedeliveredBatchIsStoredOnceEvenAfterARestart() throws Exception {
        Scenario s = new Scenario().flow("web", "zone-a", "db", "zone-b", "10.0.0.9", 100, 200, 5, 1, Map.of())
                .dns("db.internal", 3, 0, 0, 0, 900);
        FlowBatch first = s.batch(1);
        StoreSink store = new StoreSink(Scenario.config(dir.toString()));
        try {
            store.deliver(first).toCompletableFuture().join();
            store.deliver(first).toCompletableFuture().join();
            assertEquals(1, counter(store, "duplicate_batches"));
            assertEquals(1, counter(store, "batches_written"));
        } finally {
            store.deactivate();
        }
        store = new StoreSink(Scenario.config(dir.toString()));
        try {
            store.deliver(first).toCompletableFuture().join();
            assertEquals(1, counter(store, "duplicate_batches"), "the host's last batch survives the restart");
            FlowBatch restartedAgent = new FlowBatch(first.sequence(), first.host(), Scenario.at(5), first.interval(),
                    first.flows(), first.dns());
            store.deliver(restartedAgent).toCompletableFuture().join();
            assertEquals(1, counter(store, "batches_written"), "sequence 1 again, a later time: a new batch");
            Map<String, String> p = Map.of("from", Scenario.T0.toString(), "to", Scenario.at(6).toString(),
                    "measures", "bytes,flows");
            Map<String, Object> values = store.aggregate(AggregateRequest.parse(p::get, Dataset.FLOWS, Scenario.at(6)))
                    .get(0).values();
            assertEquals(2L, values.get("flows"), "one flow row per distinct batch");
            assertEquals(600L, values.get("bytes"));
        } finally {
            store.deactivate();
        }
    }

    @Test
    void aReplayFromAnOlderOffsetSkipsEveryBatchStoredBefore() throws Exception {
        Scenario s = new Scenario().flow("web", "zone-a", "db", "zone-b", "10.0.0.9", 100, 200, 5, 1, Map.of());
        StoreSink store = new StoreSink(Scenario.config(dir.toString()));
        try {
            for (int i = 1; i <= 3; i++) {
                store.deliver(s.batch(i)).toCompletableFuture().join();
            }
            for (int i = 2; i <= 4; i++) {
                store.deliver(s.batch(i)).toCompletableFuture().join();
            }
            assertEquals(2, counter(store, "duplicate_batches"), "batches 2 and 3 again");
            assertEquals(4, counter(store, "batches_written"), "batches 1 to 4 once each");
        } finally {
            store.deactivate();
        }
    }

    private static long counter(StoreSink store, String name) {
        return store.status().get(0).counters().get(name);
    }
}
