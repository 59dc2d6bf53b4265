package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsLatency;
import org.cartograph.sink.SinkResult;
import org.cartograph.store.internal.AggregateQuery.Row;
import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNS latency split (NOERROR answers against the others) from a real DuckDB store fed with
 * recorded batches, against values computed by hand. Latencies are (count, sum, p50, p99) in µs:
 * <pre>
 * batch  domain           timeouts  success               failure
 * 1      api.example.com  1         6, 3000, 400, 900     3, 4500, 1200, 2000
 * 1      db.internal      0         5, 1000, 150, 300     none
 * 2      api.example.com  1         4, 2400, 500, 1500    none
 * 2      db.internal      0         5, 1500, 250, 600     1, 9000, 9000, 9000
 * </pre>
 */
class DnsQueryTest {

    private static final String SPLIT = "success_answers,failure_answers,success_latency_avg_us,"
            + "success_latency_p50_us,success_latency_p99_us,failure_latency_avg_us,failure_latency_p50_us,"
            + "failure_latency_p99_us";

    @TempDir
    static Path dir;
    static StoreSink store;

    @BeforeAll
    static void feed() {
        store = new StoreSink(Scenario.config(dir.toString()));
        Scenario first = new Scenario()
                .dns("api.example.com", 1, new DnsLatency(6, 3000, 400, 900), new DnsLatency(3, 4500, 1200, 2000))
                .dns("db.internal", 0, new DnsLatency(5, 1000, 150, 300), DnsLatency.NONE);
        Scenario second = new Scenario()
                .dns("api.example.com", 1, new DnsLatency(4, 2400, 500, 1500), DnsLatency.NONE)
                .dns("db.internal", 0, new DnsLatency(5, 1500, 250, 600), new DnsLatency(1, 9000, 9000, 9000));
        for (SinkResult r : List.of(store.deliver(first.batch(1)).toCompletableFuture().join(),
                store.deliver(second.batch(2)).toCompletableFuture().join())) {
            assertEquals(SinkResult.Outcome.SUCCESS, r.outcome(), r.message());
        }
    }

    @AfterAll
    static void close() {
        store.deactivate();
    }

    /** Batches 1..{@code last}, grouped by domain. */
    private static Map<String, Row> byDomain(int last, String measures, String... kv) throws Exception {
        Map<String, String> p = new HashMap<>(Map.of("from", Scenario.T0.toString(), "to",
                Scenario.at(last).toString(), "by", "domain", "measures", measures));
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        Map<String, Row> rows = new HashMap<>();
        for (Row r : store.aggregate(AggregateRequest.parse(p::get, Dataset.DNS, Scenario.at(10)))) {
            rows.put(r.other() ? "other" : r.src().get("domain"), r);
        }
        return rows;
    }

    private static double number(Row r, String measure) {
        return ((Number) r.values().get(measure)).doubleValue();
    }

    @Test
    void splitsLatencyBySuccessAndFailureOverIntervals() throws Exception {
        Map<String, Row> rows = byDomain(2, SPLIT);
        Row api = rows.get("api.example.com");
        assertEquals(10L, api.values().get("success_answers"));
        assertEquals(3L, api.values().get("failure_answers"));
        assertEquals((3000 + 2400) / 10.0, number(api, "success_latency_avg_us"), 1e-9);
        assertEquals((400 * 6 + 500 * 4) / 10.0, number(api, "success_latency_p50_us"), 1e-9);
        assertEquals(1500L, api.values().get("success_latency_p99_us"));
        assertEquals(4500 / 3.0, number(api, "failure_latency_avg_us"), 1e-9);
        assertEquals(1200.0, number(api, "failure_latency_p50_us"), 1e-9);
        assertEquals(2000L, api.values().get("failure_latency_p99_us"));

        Row db = rows.get("db.internal");
        assertEquals(10L, db.values().get("success_answers"));
        assertEquals(1L, db.values().get("failure_answers"));
        assertEquals(250.0, number(db, "success_latency_avg_us"), 1e-9);
        assertEquals((150 * 5 + 250 * 5) / 10.0, number(db, "success_latency_p50_us"), 1e-9);
        assertEquals(600L, db.values().get("success_latency_p99_us"));
        assertEquals(9000.0, number(db, "failure_latency_avg_us"), 1e-9);
        assertEquals(9000L, db.values().get("failure_latency_p99_us"));
    }

    @Test
    void aGroupWithoutFailedAnswersHasNoFailureLatency() throws Exception {
        Row db = byDomain(1, SPLIT).get("db.internal");
        assertEquals(0L, db.values().get("failure_answers"));
        assertNull(db.values().get("failure_latency_avg_us"));
        assertNull(db.values().get("failure_latency_p50_us"));
        assertNull(db.values().get("failure_latency_p99_us"));
        assertEquals(200.0, number(db, "success_latency_avg_us"), 1e-9);
    }

    @Test
    void rankingByAFailureMaximumPutsTheRestInOther() throws Exception {
        // one pass (every measure merges): db.internal's 9000 ranks first, api.example.com becomes "other"
        Map<String, Row> rows = byDomain(2, "failure_latency_p99_us,failure_answers,success_answers", "limit", "1");
        assertEquals(2, rows.size(), rows.toString());
        assertEquals(Map.of("failure_latency_p99_us", 9000L, "failure_answers", 1L, "success_answers", 10L),
                rows.get("db.internal").values());
        assertTrue(rows.get("other").other());
        assertEquals(Map.of("failure_latency_p99_us", 2000L, "failure_answers", 3L, "success_answers", 10L),
                rows.get("other").values());
        // two passes (an average ranks): api.example.com's 540 µs against db.internal's 250 µs
        Map<String, Row> bySuccess = byDomain(2, "success_latency_avg_us,success_latency_p50_us", "limit", "1");
        assertEquals(540.0, number(bySuccess.get("api.example.com"), "success_latency_avg_us"), 1e-9);
        assertEquals(200.0, number(bySuccess.get("other"), "success_latency_p50_us"), 1e-9);
    }

    @Test
    void theSplitMeasuresAreListed() {
        assertTrue(Measures.names(Dataset.DNS).containsAll(List.of(SPLIT.split(","))),
                Measures.names(Dataset.DNS).toString());
    }
}
