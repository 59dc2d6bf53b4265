package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer against a real DuckDB file: a batch is stored whole or not at all, tag sets included. */
class BatchWriterTest {

    @TempDir
    Path dir;

    @Test
    void aFailedBatchLeavesNothingBehindAndTheNextOneIsStoredWhole() throws Exception {
        Scenario s = new Scenario()
                .flow("web", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 1000, 5000, 100, 1, Map.of())
                .flow("web", "us-east-1a", "cache", "us-east-1b", "10.0.2.5", 2000, 3000, 200, 1, Map.of())
                .dns("db.internal", 5, 0, 0, 0, 1000);
        try (Database db = new Database(dir.resolve(Database.FILE), 128, 1)) {
            BatchWriter writer = new BatchWriter(db.writer());
            // the DNS rows, appended after the flows and their new tag sets, cannot be written
            execute(db, "ALTER TABLE dns ADD COLUMN extra INTEGER");
            assertThrows(SQLException.class, () -> writer.write(s.batch(1)));
            assertEquals(0, count(db, "flows"));
            assertEquals(0, count(db, "tagsets"));
            assertEquals(0, count(db, "dns"));

            execute(db, "ALTER TABLE dns DROP COLUMN extra");
            assertEquals(3, writer.write(s.batch(2)));
            assertEquals(2, count(db, "flows"));
            assertEquals(1, count(db, "dns"));
            // web's local set (with host and process) once, db and cache: three sets, ids 0..2, each referenced
            assertEquals(3, count(db, "tagsets"));
            assertEquals(0, count(db, "(SELECT src_tags AS id FROM flows UNION SELECT dst_tags FROM flows)"
                    + " WHERE id NOT IN (SELECT id FROM tagsets)"));
            assertEquals(3, writer.write(s.batch(3)));
            assertEquals(3, count(db, "tagsets"), "known sets are not added again");
            assertEquals(4, count(db, "flows"));
        }
    }

    private static void execute(Database db, String sql) throws SQLException {
        try (Statement st = db.writer().createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Database db, String relation) throws SQLException {
        try (Statement st = db.writer().createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + relation)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
