package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.sink.SinkResult;
import org.cartograph.store.internal.AggregateQuery.Row;
import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregates from a real DuckDB store fed with recorded batches, against values computed by hand.
 * Each of batches 1..3 holds (bytes out/in, rtt µs, established, failures):
 * web(1a)→db(1a) 1000/5000 100 1; web(1a)→cache(1b) 2000/3000 200 1; api(1a)→db(1a) 500/700 300 0
 * refused×2; web(1a)→93.184.216.34 4000/100 400 1; and 10.9.9.9→api incoming 60/50 (client sends 60).
 */
class AggregateQueryTest {

    @TempDir
    static Path dir;
    static StoreSink store;

    @BeforeAll
    static void feed() {
        store = new StoreSink(Scenario.config(dir.toString()));
        Scenario s = new Scenario()
                .flow("web", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 1000, 5000, 100, 1, Map.of())
                .flow("web", "us-east-1a", "cache", "us-east-1b", "10.0.2.5", 2000, 3000, 200, 1, Map.of())
                .flow("api", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 500, 700, 300, 0, Map.of(111, 2L))
                .flow("web", "us-east-1a", "", "", "93.184.216.34", 4000, 100, 400, 1, Map.of())
                .incoming("api", "10.9.9.9", 50, 60)
                .dns("api.example.com", 10, 1, 2, 1, 7000)
                .dns("db.internal", 5, 0, 0, 0, 1000);
        for (int i = 1; i <= 3; i++) {
            SinkResult r = store.deliver(s.batch(i)).toCompletableFuture().join();
            assertEquals(SinkResult.Outcome.SUCCESS, r.outcome(), r.message());
        }
    }

    @AfterAll
    static void close() {
        store.deactivate();
    }

    /** Batches 1 and 2 (from is exclusive). */
    private static List<Row> query(Dataset ds, String... kv) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("from", Scenario.T0.toString());
        p.put("to", Scenario.at(2).toString());
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return store.aggregate(AggregateRequest.parse(p::get, ds, Scenario.at(10)));
    }

    private static Row find(List<Row> rows, String src, String dst) {
        return rows.stream().filter(r -> !r.other() && src.equals(r.src().get("service"))
                && dst.equals(r.dst().get("service"))).findFirst().orElseThrow(() -> new AssertionError(src + "->" + dst + " in " + rows));
    }

    @Test
    void groupsBySourceAndDestinationServiceWithTopNAndOther() throws Exception {
        List<Row> rows = query(Dataset.FLOWS, "src", "service", "dst", "service",
                "measures", "bytes,packets,failures,connections", "limit", "2");
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(Map.of("service", "web"), rows.get(0).src());
        assertEquals(Map.of("service", "db"), rows.get(0).dst());
        assertEquals(Map.of("bytes", 12000L, "packets", 16L, "failures", 0L, "connections", 2L), rows.get(0).values());
        assertEquals("cache", rows.get(1).dst().get("service"));
        assertEquals(10000L, rows.get(1).values().get("bytes"));
        Row other = rows.get(2);
        assertTrue(other.other());
        assertEquals(3, other.groups());
        // web->internet 8200 + api->db 2400 + incoming 220
        assertEquals(Map.of("bytes", 10820L, "packets", 20L, "failures", 4L, "connections", 4L), other.values());
    }

    @Test
    void incomingFlowsAreOrientedFromTheClient() throws Exception {
        List<Row> rows = query(Dataset.FLOWS, "src", "ip", "dst", "service,port",
                "measures", "bytes_sent,bytes_received", "filter", "direction:incoming");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("10.9.9.9", rows.get(0).src().get("ip"));
        assertEquals(Map.of("service", "api", "port", "8080"), rows.get(0).dst());
        assertEquals(Map.of("bytes_sent", 120L, "bytes_received", 100L), rows.get(0).values());
    }

    @Test
    void rttPercentilesInterpolateOverFlows() throws Exception {
        // db: rtt 100, 300 per batch -> [100, 100, 300, 300]
        List<Row> rows = query(Dataset.FLOWS, "dst", "service", "measures", "rtt_p50_us,rtt_p95_us,rtt_avg_us",
                "filter", "dst.service:db");
        assertEquals(1, rows.size());
        assertEquals(200.0, (Double) rows.get(0).values().get("rtt_p50_us"), 1e-9);
        assertEquals(300.0, (Double) rows.get(0).values().get("rtt_p95_us"), 1e-9);
        assertEquals(200.0, (Double) rows.get(0).values().get("rtt_avg_us"), 1e-9);
    }

    @Test
    void filtersOnTagsWithNegationAndPrefix() throws Exception {
        assertEquals(10000L, total(query(Dataset.FLOWS, "measures", "bytes", "filter", "dst.availability_zone:us-east-1b")));
        // everything but web->db (12000) and api->db (2400): 10000 + 8200 + 220
        assertEquals(18420L, total(query(Dataset.FLOWS, "measures", "bytes", "filter", "-dst.service:db")));
        assertEquals(30200L, total(query(Dataset.FLOWS, "measures", "bytes", "filter", "src.service:we*")));
        // unqualified: a tag on either end
        assertEquals(2400L + 220L, total(query(Dataset.FLOWS, "measures", "bytes", "filter", "service:api")));
        assertEquals(12000L + 2400L, total(query(Dataset.FLOWS, "measures", "bytes",
                "filter", "dst.service:db,src.availability_zone:us-east-1a")));
    }

    @Test
    void timeRangeSelectsBatchesByEndTime() throws Exception {
        Map<String, String> p = Map.of("from", Scenario.at(2).toString(), "to", Scenario.at(3).toString(),
                "measures", "bytes", "filter", "src.service:web,dst.service:db");
        assertEquals(6000L, total(store.aggregate(AggregateRequest.parse(p::get, Dataset.FLOWS, Scenario.at(10)))));
    }

    @Test
    void costByTrafficClassUsesThePriceTable() throws Exception {
        List<Row> rows = query(Dataset.FLOWS, "dst", "traffic_class", "measures", "bytes,cost");
        Map<String, Row> byClass = new HashMap<>();
        rows.forEach(r -> byClass.put(r.dst().get("traffic_class"), r));
        assertEquals(14400L, byClass.get("same_zone").values().get("bytes"));
        assertEquals(0.0, (Double) byClass.get("same_zone").values().get("cost"), 1e-15);
        assertEquals(10000L, byClass.get("cross_zone").values().get("bytes"));
        assertEquals(10000 * 0.02 / 1e9, (Double) byClass.get("cross_zone").values().get("cost"), 1e-15);
        assertEquals(8200L, byClass.get("internet_egress").values().get("bytes"));
        assertEquals(8200 * 0.09 / 1e9, (Double) byClass.get("internet_egress").values().get("cost"), 1e-15);
        assertEquals(220L, byClass.get("private").values().get("bytes"));
    }

    @Test
    void nodeFallsBackToTheAddressForUntaggedDestinations() throws Exception {
        List<Row> rows = query(Dataset.FLOWS, "src", "node", "dst", "node", "measures", "bytes", "limit", "10");
        Row internet = rows.stream().filter(r -> "93.184.216.34:443".equals(r.dst().get("node"))).findFirst().orElseThrow();
        assertEquals("web", internet.src().get("node"));
        assertEquals(8200L, internet.values().get("bytes"));
        assertEquals(12000L, find(query(Dataset.FLOWS, "src", "service", "dst", "service", "measures", "bytes"),
                "web", "db").values().get("bytes"));
    }

    @Test
    void dnsByDomain() throws Exception {
        List<Row> rows = query(Dataset.DNS, "by", "domain", "measures", "queries,errors,error_rate,latency_avg_us,nxdomain_share");
        assertEquals(2, rows.size());
        Row api = rows.get(0);
        assertEquals("api.example.com", api.src().get("domain"));
        assertEquals(20L, api.values().get("queries"));
        assertEquals(8L, api.values().get("errors"));
        assertEquals(0.4, (Double) api.values().get("error_rate"), 1e-12);
        assertEquals(14000.0 / 18, (Double) api.values().get("latency_avg_us"), 1e-9);
        assertEquals(0.2, (Double) api.values().get("nxdomain_share"), 1e-12);
        assertFalse(rows.get(1).other());
    }

    @Test
    void onePassAndTwoPassQueriesAgree() throws Exception {
        // sums only: one pass over the rows; with a percentile: a second pass joined on the dimensions
        // (here with NULL domains and untagged ends among them)
        List<Row> sums = query(Dataset.FLOWS, "src", "node", "dst", "node,domain", "measures", "bytes,failures,flows",
                "limit", "2");
        List<Row> both = query(Dataset.FLOWS, "src", "node", "dst", "node,domain", "measures",
                "bytes,failures,flows,rtt_p50_us", "limit", "2");
        assertEquals(3, sums.size(), sums.toString());
        for (int i = 0; i < sums.size(); i++) {
            assertEquals(sums.get(i).src(), both.get(i).src());
            assertEquals(sums.get(i).dst(), both.get(i).dst());
            assertEquals(sums.get(i).groups(), both.get(i).groups());
            for (String m : List.of("bytes", "failures", "flows")) {
                assertEquals(sums.get(i).values().get(m), both.get(i).values().get(m), m + " of row " + i);
            }
        }
        assertEquals(Map.of("node", "web"), sums.get(0).src());
        assertEquals(Map.of("node", "db", "domain", ""), sums.get(0).dst());
        // web->db 12000, web->cache 10000; other: web->internet 8200 + api->db 2400 + incoming 220
        assertEquals(Map.of("bytes", 10820L, "failures", 4L, "flows", 6L), sums.get(2).values());
        // other's median RTT over its rows: internet 400, 400; api->db 300, 300; incoming has none
        assertEquals(350.0, (Double) both.get(2).values().get("rtt_p50_us"), 1e-9);
    }

    @Test
    void ranksByAMeasureThatDoesNotMergeFromPartialValues() throws Exception {
        // failure rates: api->db 4/4 = 1.0, web->* 0; ties broken by the group's name
        List<Row> rows = query(Dataset.FLOWS, "src", "service", "dst", "service", "measures", "failure_rate,bytes",
                "limit", "2");
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(Map.of("service", "api"), rows.get(0).src());
        assertEquals(Map.of("service", "db"), rows.get(0).dst());
        assertEquals(1.0, (Double) rows.get(0).values().get("failure_rate"), 1e-12);
        assertEquals(Map.of("service", ""), rows.get(1).src(), "the incoming client, untagged, sorts first among zeros");
        assertTrue(rows.get(2).other());
        assertEquals(3, rows.get(2).groups());
        assertEquals(12000L + 10000L + 8200L, rows.get(2).values().get("bytes"));
    }

    @Test
    void dnsMaximaMergeAcrossIntervals() throws Exception {
        // latency_p99_us is the highest per-interval p99: api.example.com 7000 (its latency sum), db.internal 1000
        List<Row> rows = query(Dataset.DNS, "by", "domain", "measures", "latency_p99_us,queries", "limit", "1");
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("api.example.com", rows.get(0).src().get("domain"));
        assertEquals(Map.of("latency_p99_us", 7000L, "queries", 20L), rows.get(0).values());
        assertTrue(rows.get(1).other());
        assertEquals(Map.of("latency_p99_us", 1000L, "queries", 10L), rows.get(1).values());
    }

    @Test
    void rejectsUnknownMeasuresAndBadNames() {
        assertThrows(IllegalArgumentException.class, () -> query(Dataset.FLOWS, "measures", "bogus"));
        assertThrows(IllegalArgumentException.class, () -> query(Dataset.FLOWS, "src", "a'b"));
        assertThrows(IllegalArgumentException.class, () -> query(Dataset.FLOWS, "filter", "nocolon"));
        assertThrows(IllegalArgumentException.class, () -> query(Dataset.DNS, "by", "service"));
    }

    private static long total(List<Row> rows) {
        return rows.stream().mapToLong(r -> (Long) r.values().get("bytes")).sum();
    }
}
