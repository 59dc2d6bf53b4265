package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.cartograph.flow.DnsLatency;
import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.duckdb.DuckDBDriver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening real DuckDB files of older schema versions: version 2 keeps its flow rows and loses the unused
 * columns; version 3 keeps its DNS rows and gets the DNS latency split.
 */
class SchemaUpgradeTest {

    @TempDir
    Path dir;

    @Test
    void version2KeepsItsFlowRowsAndLosesHostAndInterval() throws Exception {
        Path file = dir.resolve(Database.FILE);
        Scenario s = new Scenario()
                .flow("web", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 1000, 5000, 100, 1, Map.of());
        try (Database db = new Database(file, 128, 1)) {
            new BatchWriter(db.writer()).write(s.batch(1));
            // turn the file back into schema 2: the columns host and interval_s, version 2
            execute(db, "ALTER TABLE flows ADD COLUMN host VARCHAR DEFAULT 'host-a'");
            execute(db, "ALTER TABLE flows ADD COLUMN interval_s INTEGER DEFAULT 10");
            execute(db, "UPDATE schema_version SET version = 2");
        }
        try (Database db = new Database(file, 128, 1)) {
            assertEquals(Database.VERSION, query(db, "SELECT max(version) FROM schema_version"));
            assertEquals(1, query(db, "SELECT count(*) FROM flows WHERE bytes_out = 1000 AND bytes_in = 5000"));
            assertEquals(0, query(db, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'flows'"
                    + " AND column_name IN ('host', 'interval_s')"));
            assertEquals(1, new BatchWriter(db.writer()).write(s.batch(2)));
            assertEquals(2, query(db, "SELECT count(*) FROM flows"));
        }
    }

    @Test
    void version3GetsTheDnsLatencySplitAndKeepsItsDnsRows() throws Exception {
        Path file = dir.resolve(Database.FILE);
        // a file as version 3 wrote it: the DNS table without the split columns, one row stored
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:" + file, new Properties());
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            st.execute("INSERT INTO schema_version VALUES (3)");
            st.execute("""
                    CREATE TABLE dns (
                      ts TIMESTAMP NOT NULL, host VARCHAR, client VARCHAR, server VARCHAR, domain VARCHAR,
                      query_type VARCHAR, queries BIGINT, timeouts BIGINT, noerror BIGINT, nxdomain BIGINT,
                      servfail BIGINT, other_rcode BIGINT, latency_sum_us BIGINT, latency_p50_us BIGINT,
                      latency_p99_us BIGINT)""");
            st.execute("INSERT INTO dns VALUES (TIMESTAMP '" + Scenario.at(1).toString().replace('T', ' ')
                    .replace("Z", "") + "', 'host-a', '10.0.0.1', '10.0.0.53', 'old.example.com', 'A', 10, 1, 8, 1,"
                    + " 0, 0, 4500, 400, 900)");
        }
        Scenario s = new Scenario().dns("new.example.com", 0, new DnsLatency(4, 2000, 500, 700),
                new DnsLatency(2, 6000, 3000, 3500));
        try (Database db = new Database(file, 128, 1)) {
            assertEquals(Database.VERSION, query(db, "SELECT max(version) FROM schema_version"));
            assertEquals(1, query(db, "SELECT count(*) FROM dns WHERE domain = 'old.example.com' AND queries = 10"
                    + " AND latency_sum_us = 4500 AND success_count = 0 AND failure_p99_us = 0"));
            assertEquals(1, new BatchWriter(db.writer()).write(s.batch(2)));
            AggregateQuery q = new AggregateQuery(List.of("service"), PriceTable.load(""));
            Map<String, String> p = Map.of("from", Scenario.T0.toString(), "to", Scenario.at(2).toString(),
                    "by", "domain", "measures", "queries,latency_avg_us,success_answers,failure_latency_avg_us");
            Map<String, Map<String, Object>> byDomain = new HashMap<>();
            for (AggregateQuery.Row r : q.run(db.writer(), AggregateRequest.parse(p::get, Dataset.DNS, Scenario.at(3)))) {
                byDomain.put(r.src().get("domain"), r.values());
            }
            Map<String, Object> old = byDomain.get("old.example.com");
            assertEquals(10L, old.get("queries"));
            assertEquals(500.0, (Double) old.get("latency_avg_us"), 1e-9);
            assertEquals(0L, old.get("success_answers"));
            assertNull(old.get("failure_latency_avg_us"));
            Map<String, Object> added = byDomain.get("new.example.com");
            assertEquals(4L, added.get("success_answers"));
            assertEquals(3000.0, (Double) added.get("failure_latency_avg_us"), 1e-9);
        }
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Statement st = db.writer().createStatement()) {
            st.execute(sql);
        }
    }

    private static long query(Database db, String sql) throws SQLException {
        try (Statement st = db.writer().createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
