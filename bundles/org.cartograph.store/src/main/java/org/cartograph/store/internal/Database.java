package org.cartograph.store.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;

import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * The DuckDB database file and its schema. One connection is owned by the store's thread (writes,
 * retention); readers on other threads take {@link #reader()}, a duplicate of it that shares the
 * same database instance.
 */
final class Database implements AutoCloseable {

    /** File name of the database inside {@code DATA_DIR/store}. */
    static final String FILE = "cartograph.duckdb";

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS flows (
          ts TIMESTAMP NOT NULL, protocol VARCHAR, direction VARCHAR, src_ip VARCHAR, src_port INTEGER,
          dst_ip VARCHAR, dst_port INTEGER, domain VARCHAR,
          traffic_class VARCHAR, bytes_out BIGINT, bytes_in BIGINT, packets_out BIGINT, packets_in BIGINT,
          retransmits BIGINT, rtt_us INTEGER, established INTEGER, closed INTEGER,
          fail_reset BIGINT, fail_timeout BIGINT, fail_refused BIGINT, fail_other BIGINT,
          src_tags INTEGER, dst_tags INTEGER)""",
        """
        CREATE TABLE IF NOT EXISTS tagsets (id INTEGER NOT NULL, keys VARCHAR[], vals VARCHAR[])""",
        """
        CREATE TABLE IF NOT EXISTS dns (
          ts TIMESTAMP NOT NULL, host VARCHAR, client VARCHAR, server VARCHAR, domain VARCHAR, query_type VARCHAR,
          queries BIGINT, timeouts BIGINT, noerror BIGINT, nxdomain BIGINT, servfail BIGINT, other_rcode BIGINT,
          latency_sum_us BIGINT, latency_p50_us BIGINT, latency_p99_us BIGINT)""",
        """
        CREATE TABLE IF NOT EXISTS events (
          ts TIMESTAMP NOT NULL, kind VARCHAR, source VARCHAR, destination VARCHAR, message VARCHAR, evidence VARCHAR)""",
        """
        CREATE TABLE IF NOT EXISTS host_batches (host VARCHAR PRIMARY KEY, sequence BIGINT NOT NULL, ts BIGINT NOT NULL)"""
    };

    /**
     * DNS columns added after version 3: the latency of successful (NOERROR) and failed answers.
     * Appended to the table (also when it is new), so the appender's column order is the same for
     * new and upgraded files; rows stored before the upgrade read 0.
     */
    static final String[] DNS_SPLIT_COLUMNS = {"success_count", "success_sum_us", "success_p50_us", "success_p99_us",
        "failure_count", "failure_sum_us", "failure_p50_us", "failure_p99_us"};

    /**
     * Version of the schema. A file of version 1 (tags in every flow row) has its {@code flows} table
     * rebuilt (emptied); version 2 loses the flow columns {@code host} and {@code interval_s} (the host
     * is a tag of the local end; the interval was never read), its rows are kept; versions up to 3
     * get the {@link #DNS_SPLIT_COLUMNS} (0 in the DNS rows already stored).
     */
    static final int VERSION = 4;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Database.class);

    private final Path file;
    private final DuckDBConnection connection;

    /**
     * Opens (or creates) the database and its tables, with DuckDB's automatic checkpoints at its
     * default write-ahead log size.
     *
     * @param file          the database file; its directory is created
     * @param memoryLimitMb memory DuckDB may use
     * @param threads       DuckDB worker threads
     * @throws SQLException if DuckDB cannot open it
     * @throws IOException  if the directory cannot be created
     */
    Database(Path file, int memoryLimitMb, int threads) throws SQLException, IOException {
        this(file, memoryLimitMb, threads, 0);
    }

    /**
     * Opens (or creates) the database and its tables.
     *
     * @param file              the database file; its directory is created
     * @param memoryLimitMb     memory DuckDB may use
     * @param threads           DuckDB worker threads
     * @param autoCheckpointMib write-ahead log size at which a commit checkpoints (DuckDB's
     *                          {@code checkpoint_threshold}); 0 for DuckDB's default (16 MiB)
     * @throws SQLException if DuckDB cannot open it
     * @throws IOException  if the directory cannot be created
     */
    Database(Path file, int memoryLimitMb, int threads, long autoCheckpointMib) throws SQLException, IOException {
        this.file = file.toAbsolutePath();
        Files.createDirectories(this.file.getParent());
        Properties props = new Properties();
        props.setProperty("memory_limit", memoryLimitMb + "MB");
        props.setProperty("threads", Integer.toString(threads));
        if (autoCheckpointMib > 0) {
            props.setProperty("checkpoint_threshold", autoCheckpointMib + "MiB");
        }
        // The driver is called directly: DriverManager's class-loader checks do not suit OSGi.
        connection = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + this.file, props);
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version < VERSION) {
                if (hasColumn(st, "flows", "src_keys")) {
                    LOG.warn("store {} has schema version {}, not {}: dropping its flow rows (DNS statistics and"
                            + " events are kept)", this.file, Math.max(version, 1), VERSION);
                    st.execute("DROP TABLE IF EXISTS flows");
                    st.execute("DROP TABLE IF EXISTS tagsets");
                } else if (hasColumn(st, "flows", "host")) {
                    LOG.info("store {}: upgrading schema version {} to {} (flow columns host and interval_s dropped)",
                            this.file, version, VERSION);
                    st.execute("ALTER TABLE flows DROP COLUMN host");
                    st.execute("ALTER TABLE flows DROP COLUMN interval_s");
                } else if (version > 0) {
                    LOG.info("store {}: upgrading schema version {} to {} (DNS latency split columns added)",
                            this.file, version, VERSION);
                }
                st.execute("DELETE FROM schema_version");
                st.execute("INSERT INTO schema_version VALUES (" + VERSION + ")");
            }
            for (String ddl : SCHEMA) {
                st.execute(ddl);
            }
            for (String column : DNS_SPLIT_COLUMNS) {
                st.execute("ALTER TABLE dns ADD COLUMN IF NOT EXISTS " + column + " BIGINT DEFAULT 0");
            }
        }
    }

    private static boolean hasColumn(Statement st, String table, String column) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM duckdb_columns() WHERE table_name = '" + table
                + "' AND column_name = '" + column + "'")) {
            return rs.next() && rs.getLong(1) > 0;
        }
    }

    /** @return the writer's connection; use only on the store's thread */
    DuckDBConnection writer() {
        return connection;
    }

    /**
     * @return a new connection to the same database for one reader; close it after use
     * @throws SQLException if the database is closed
     */
    Connection reader() throws SQLException {
        return connection.duplicate();
    }

    /** @return the database file */
    Path file() {
        return file;
    }

    /** @return bytes on disk of the database and its write-ahead log */
    long sizeOnDisk() {
        try {
            return (Files.exists(file) ? Files.size(file) : 0) + walBytes();
        } catch (IOException e) {
            return walBytes();
        }
    }

    /** @return bytes in the write-ahead log: committed data not yet checkpointed into the file */
    long walBytes() {
        try {
            Path wal = file.resolveSibling(file.getFileName() + ".wal");
            return Files.exists(wal) ? Files.size(wal) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The bytes that count against the size limit: the file's blocks in use plus the write-ahead
     * log. The file itself does not shrink when rows are deleted; its freed blocks are reused.
     *
     * @return used bytes
     * @throws SQLException on a database error
     */
    long usedBytes() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT block_size * used_blocks FROM pragma_database_size()"
                     + " WHERE database_name = current_database()")) {
            return (rs.next() ? rs.getLong(1) : 0) + walBytes();
        }
    }

    /**
     * @param table {@code flows} or {@code dns}
     * @return rows in the table
     * @throws SQLException on a database error
     */
    long rows(String table) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + checkTable(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Deletes rows older than a cutoff from every table.
     *
     * @param cutoff rows with a time before this go
     * @return rows deleted
     * @throws SQLException on a database error
     */
    long deleteBefore(Instant cutoff) throws SQLException {
        long deleted = 0;
        for (String table : new String[] {"flows", "dns", "events"}) {
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE ts < make_timestamp(?::BIGINT)")) {
                ps.setLong(1, Times.micros(cutoff));
                deleted += ps.executeUpdate();
            }
        }
        return deleted;
    }

    /**
     * @param table a table
     * @param keep  how many of the newest rows to keep
     * @return the time of the oldest row that keeps {@code keep} rows, or null if the table holds fewer
     * @throws SQLException on a database error
     */
    Instant cutoffKeeping(String table, long keep) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT epoch_us(ts) FROM " + checkTable(table) + " ORDER BY ts DESC LIMIT 1 OFFSET ?")) {
            ps.setLong(1, keep);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Times.instant(rs.getLong(1)) : null;
            }
        }
    }

    /**
     * Writes everything to the database file and truncates the write-ahead log.
     *
     * @throws SQLException on a database error
     */
    void checkpoint() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    private static String checkTable(String table) {
        if (!table.equals("flows") && !table.equals("dns") && !table.equals("events")) {
            throw new IllegalArgumentException("no table " + table);
        }
        return table;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
