package org.cartograph.store.internal;

import java.nio.file.Path;
import java.util.Map;

import org.cartograph.flow.FlowBatch;
import org.cartograph.store.internal.AggregateRequest.Dataset;

/** Gives the benchmarks the store's internals: synchronous writes and queries. */
public final class StoreBenchmarkAccess implements AutoCloseable {

    private final StoreSink store;

    /** @param dir the data directory */
    public StoreBenchmarkAccess(Path dir) {
        this(dir, true);
    }

    /**
     * @param dir              the data directory
     * @param storeCheckpoints true: the store checkpoints after a batch (the component's behaviour);
     *                         false: DuckDB checkpoints inside a commit at its default threshold
     */
    public StoreBenchmarkAccess(Path dir, boolean storeCheckpoints) {
        StoreConfig config = Scenario.config(dir.toString(), 24 * 365, 64 * 1024, 60);
        store = new StoreSink(config, storeCheckpoints ? Maintenance.checkpointWal(64L << 30) : 0);
    }

    /**
     * Writes a batch and waits until the store's thread has done everything the batch caused,
     * including a checkpoint queued behind it, so that its cost counts where it arose.
     *
     * @param batch a batch
     * @return its rows
     */
    public int write(FlowBatch batch) {
        store.deliver(batch).toCompletableFuture().join();
        store.runOnStoreThread(() -> { });
        return batch.flows().size();
    }

    /** @return checkpoints the store ran (not DuckDB's automatic ones) */
    public long checkpoints() {
        return store.status().get(0).counters().get("checkpoints");
    }

    /**
     * @return rows of a group-by over everything stored
     * @throws Exception on a database error
     */
    public int groupBy(String src, String dst, String measures, int limit) throws Exception {
        Map<String, String> p = Map.of("from", Scenario.T0.minusSeconds(1).toString(),
                "to", Scenario.at(10_000_000).toString(), "src", src, "dst", dst, "measures", measures,
                "limit", Integer.toString(limit));
        return store.aggregate(AggregateRequest.parse(p::get, Dataset.FLOWS, Scenario.at(0))).size();
    }

    @Override
    public void close() {
        store.deactivate();
    }
}
