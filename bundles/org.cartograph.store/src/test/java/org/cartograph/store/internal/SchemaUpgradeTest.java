package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a real DuckDB file of schema version 2: its flow rows are kept, the unused columns go. */
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
            assertEquals(3, query(db, "SELECT max(version) FROM schema_version"));
            assertEquals(1, query(db, "SELECT count(*) FROM flows WHERE bytes_out = 1000 AND bytes_in = 5000"));
            assertEquals(0, query(db, "SELECT count(*) FROM duckdb_columns() WHERE table_name = 'flows'"
                    + " AND column_name IN ('host', 'interval_s')"));
            assertEquals(1, new BatchWriter(db.writer()).write(s.batch(2)));
            assertEquals(2, query(db, "SELECT count(*) FROM flows"));
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
