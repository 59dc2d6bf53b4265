package org.cartograph.store.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database bounded and its write-ahead log short: retention by age and size, and the
 * store's checkpoints. A checkpoint compresses the data committed to the write-ahead log into the
 * file; DuckDB runs one inside the commit that crosses its {@code checkpoint_threshold}, so the
 * batch that happens to cross it waits for it. The store instead checkpoints on its own thread
 * after a batch is acknowledged, once the log holds {@link #checkpointWal(long)} bytes (one larger
 * checkpoint costs less per row than several small ones: each rewrites the row groups it touches),
 * and on the retention tick when the log has waited {@code idle} since the last checkpoint; DuckDB's
 * own threshold is raised to twice that as a safety net. Used on the store's thread only.
 */
final class Maintenance {

    /** The largest write-ahead log the store lets build up before it checkpoints. */
    static final long MAX_CHECKPOINT_WAL = 32L << 20;
    /** The smallest. */
    static final long MIN_CHECKPOINT_WAL = 1L << 20;
    /** How long a non-empty write-ahead log may wait for a checkpoint when few batches come. */
    static final Duration IDLE_CHECKPOINT = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final Database db;
    private final Duration retention;
    private final long maxBytes;
    private final long checkpointWal;
    private final long idleNanos;
    /** When the last checkpoint ended ({@link System#nanoTime()}); store thread only. */
    private long lastCheckpoint = System.nanoTime();
    /** Checkpoints run by the store (not those DuckDB runs itself); written on the store's thread. */
    private volatile long checkpoints;
    /** Used bytes as of the last retention run; written on the store's thread. */
    private volatile long usedBytes;

    /**
     * @param db            the database
     * @param retention     how long rows are kept
     * @param maxBytes      used bytes above which the oldest rows are deleted
     * @param checkpointWal write-ahead log bytes at which the store checkpoints after a batch; 0 to
     *                      leave checkpoints to DuckDB's automatic ones (and the retention tick)
     * @param idle          how long a non-empty log waits for a checkpoint at the latest
     */
    Maintenance(Database db, Duration retention, long maxBytes, long checkpointWal, Duration idle) {
        this.db = db;
        this.retention = retention;
        this.maxBytes = maxBytes;
        this.checkpointWal = checkpointWal;
        this.idleNanos = idle.toNanos();
    }

    /**
     * @param maxBytes the size limit
     * @return the write-ahead log size at which the store checkpoints: an eighth of the limit,
     *         within {@link #MIN_CHECKPOINT_WAL}..{@link #MAX_CHECKPOINT_WAL}
     */
    static long checkpointWal(long maxBytes) {
        return Math.clamp(maxBytes / 8, MIN_CHECKPOINT_WAL, MAX_CHECKPOINT_WAL);
    }

    /** @return whether the write-ahead log has reached the size at which the store checkpoints */
    boolean checkpointDue() {
        return checkpointWal > 0 && db.walBytes() >= checkpointWal;
    }

    /**
     * Checkpoints now.
     *
     * @throws SQLException on a database error
     */
    void checkpoint() throws SQLException {
        long start = System.nanoTime();
        db.checkpoint();
        lastCheckpoint = System.nanoTime();
        checkpoints++;
        LOG.debug("checkpoint of {} took {} ms", db.file(), (lastCheckpoint - start) / 1_000_000);
    }

    /** @return the bytes the store used at the last retention run (0 before the first) */
    long usedBytes() {
        return usedBytes;
    }

    /** @return checkpoints run by the store so far */
    long checkpoints() {
        return checkpoints;
    }

    /**
     * Deletes rows older than the retention, then the oldest rows while the used bytes exceed the
     * limit (and checkpoints, so that their blocks are free for new rows before the next tick looks
     * at the size again); checkpoints a log that has waited long enough.
     *
     * @param now the current time
     * @return rows deleted
     * @throws SQLException on a database error
     */
    long retain(Instant now) throws SQLException {
        long gone = db.deleteBefore(now.minus(retention));
        long used = db.usedBytes();
        long flowRows = used > maxBytes ? db.rows("flows") : 0;
        boolean shrunk = false;
        if (flowRows > 0) {
            long keep = (long) (flowRows * (0.8 * maxBytes / used));
            Instant cutoff = db.cutoffKeeping("flows", keep);
            if (cutoff != null) {
                gone += db.deleteBefore(cutoff);
                shrunk = true;
                LOG.info("store uses {} bytes, over {}: deleted rows before {}", used, maxBytes, cutoff);
            }
        }
        if (shrunk || db.walBytes() > 0 && System.nanoTime() - lastCheckpoint >= idleNanos) {
            checkpoint();
        }
        usedBytes = shrunk ? db.usedBytes() : used;
        return gone;
    }
}
