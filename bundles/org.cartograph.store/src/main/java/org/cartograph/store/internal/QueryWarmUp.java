package org.cartograph.store.internal;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the network map's default query once, in the background, after the store has written its
 * first batch (so that it reads rows), and discards them. The first query of a fresh JVM costs about three times a warm one (its code
 * not compiled yet, DuckDB's caches empty), and it is the query a user opening the UI waits for.
 * Reads through its own connection, so ingest does not wait for it.
 */
final class QueryWarmUp {

    private static final Logger LOG = LoggerFactory.getLogger(QueryWarmUp.class);
    /** The map page's first request: node to node and traffic class over the last hour. */
    private static final Map<String, String> MAP_QUERY = Map.of("src", "node", "dst", "node,traffic_class",
            "measures", "bytes,failure_rate", "limit", "2000", "from", "-1h");

    private QueryWarmUp() {
    }

    /** @return the thread running the query once for {@code store} */
    static Thread start(StoreSink store) {
        return Thread.ofVirtual().name("cartograph-store-warmup").start(() -> run(store, Instant.now()));
    }

    /**
     * @param now the end of the hour queried
     * @return the rows the query gave, -1 if it failed (e.g. the store closed meanwhile)
     */
    static int run(StoreSink store, Instant now) {
        long start = System.nanoTime();
        try {
            int rows = store.aggregate(AggregateRequest.parse(MAP_QUERY::get, Dataset.FLOWS, now)).size();
            LOG.debug("query path warmed up in {} ms ({} rows)", (System.nanoTime() - start) / 1_000_000, rows);
            return rows;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("query warm-up skipped: {}", e.toString());
            return -1;
        }
    }
}
