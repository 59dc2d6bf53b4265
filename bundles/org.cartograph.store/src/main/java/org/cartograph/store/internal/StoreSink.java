package org.cartograph.store.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.event.EventListener;
import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.FlowSink;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: a {@link FlowSink} that appends every batch to an embedded DuckDB database in
 * {@code DATA_DIR/store}, runs the dependency and outage detectors after a batch (at most every
 * analysis interval, by batch time), hands the events an analysis run found to every
 * {@link EventListener} service, and enforces retention by age and size once a minute. The
 * database file survives restarts. Writes, analysis, listener calls, checkpoints (after a batch is
 * acknowledged, see {@link Maintenance}) and retention run on the store's own thread
 * ({@value #THREAD}); queries run on the caller's thread with their own connection.
 */
@Component(configurationPid = StoreSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {FlowSink.class, StatusContributor.class, StoreSink.class})
@Designate(ocd = StoreConfig.class)
public final class StoreSink implements FlowSink, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.store";
    /** The sink's name. */
    public static final String NAME = "store";
    /** The store's thread. */
    public static final String THREAD = "cartograph-store";

    private static final Logger LOG = LoggerFactory.getLogger(StoreSink.class);
    private static final long RETENTION_PERIOD_S = 60;

    private final Database db;
    private final BatchWriter writer;
    private final AggregateQuery query;
    private final Analyzer analyzer;
    private final Maintenance maintenance;
    private final Duration analysisInterval;
    private final ScheduledExecutorService executor;
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    /** Batches skipped because the same batch (host, sequence, time) was stored before. */
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    /** Bound and unbound by DS on any thread, called on the store's thread. */
    private final EventListeners listeners = new EventListeners();
    /** Batch time of the last analysis; store thread only. */
    private Instant lastAnalysis = Instant.EPOCH;
    /** The last failure, empty once a batch is stored again; written on the store's thread. */
    private volatile String lastError = "";
    /** Whether the first batch started the query warm-up; the store thread's only. */
    private boolean warmedUp;

    /**
     * Opens the database and starts the retention schedule.
     *
     * @param config the configuration
     * @throws IllegalStateException naming the file if DuckDB cannot open it
     */
    @Activate
    public StoreSink(StoreConfig config) {
        this(config, Maintenance.checkpointWal(config.max_size_mb() * 1024L * 1024L));
    }

    /**
     * Opens the database and starts the retention schedule.
     *
     * @param config        the configuration
     * @param checkpointWal write-ahead log bytes at which the store checkpoints after a batch
     *                      (DuckDB's automatic checkpoints then only at twice that, as a safety net);
     *                      0: DuckDB checkpoints inside the commit that crosses its default threshold
     *                      (for comparisons)
     * @throws IllegalStateException naming the file if DuckDB cannot open it
     */
    StoreSink(StoreConfig config, long checkpointWal) {
        Path file = Path.of(config.data_dir(), "store", Database.FILE);
        PriceTable prices = PriceTable.load(config.price_file());
        long maxBytes = config.max_size_mb() * 1024L * 1024L;
        try {
            db = new Database(file, config.memory_limit_mb(), config.threads(), 2 * checkpointWal >> 20);
            writer = new BatchWriter(db.writer());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the store directory for " + file.toAbsolutePath(), e);
        }
        query = new AggregateQuery(Arrays.asList(config.node_tags()), prices);
        analyzer = new Analyzer(query, new Analyzer.Settings(Duration.ofSeconds(config.detection_window_s()),
                Duration.ofSeconds(config.baseline_window_s()), config.outage_min_failures(), config.outage_min_rate(),
                config.outage_factor()));
        maintenance = new Maintenance(db, Duration.ofHours(config.retention_hours()), maxBytes, checkpointWal,
                Maintenance.IDLE_CHECKPOINT);
        analysisInterval = Duration.ofSeconds(config.analysis_interval_s());
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> retain(Instant.now()), RETENTION_PERIOD_S, RETENTION_PERIOD_S,
                TimeUnit.SECONDS);
        LOG.info("store open at {} (retention {} h, at most {} MB)", db.file(), config.retention_hours(),
                config.max_size_mb());
    }

    /** Finishes queued writes, checkpoints and closes the database. */
    @Deactivate
    void deactivate() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            db.checkpoint();
            db.close();
        } catch (SQLException e) {
            LOG.warn("closing the store {} failed: {}", db.file(), e.getMessage());
        }
        LOG.info("store at {} closed", db.file());
    }

    /**
     * Adds a listener for the events of later analysis runs; any thread.
     *
     * @param listener the listener
     */
    @Reference(service = EventListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeListener")
    void addListener(EventListener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener; a call already under way on the store's thread may still finish.
     *
     * @param listener the listener
     */
    void removeListener(EventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Queues the batch for the store's thread; completes once it is written (and analysed). */
    @Override
    public CompletionStage<SinkResult> deliver(FlowBatch batch) {
        try {
            return CompletableFuture.supplyAsync(() -> write(batch), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(SinkResult.retry("the store is stopped"));
        }
    }

    private SinkResult write(FlowBatch batch) {
        try {
            int written = writer.write(batch);
            if (written == BatchWriter.ALREADY_STORED) {
                duplicates.incrementAndGet();
                LOG.debug("batch {} of {} at {} is stored already: skipped", batch.sequence(), batch.host(), batch.time());
                return SinkResult.success();
            }
            rows.addAndGet(written);
            batches.incrementAndGet();
        } catch (SQLException e) {
            errors.incrementAndGet();
            lastError = "cannot store batch " + batch.sequence() + ": " + e.getMessage();
            LOG.warn("{}", lastError);
            return SinkResult.retry(lastError);
        }
        lastError = "";
        if (!warmedUp) {
            warmedUp = true;
            QueryWarmUp.start(this);
        }
        if (maintenance.checkpointDue()) {
            // queued behind this batch's completion, ahead of the next batch
            try {
                executor.execute(this::checkpoint);
            } catch (RejectedExecutionException e) {
                LOG.debug("store stopping: the checkpoint is left to deactivation");
            }
        }
        if (!batch.time().isBefore(lastAnalysis.plus(analysisInterval))) {
            lastAnalysis = batch.time();
            try {
                List<Event> found = analyzer.run(db.writer(), batch.time());
                events.addAndGet(found.size());
                for (Event e : found) {
                    LOG.info("{}", e.message());
                }
                listeners.publish(found);
            } catch (SQLException e) {
                errors.incrementAndGet();
                lastError = "analysis failed: " + e.getMessage();
                LOG.warn("{}", lastError);
            }
        }
        return SinkResult.success();
    }

    /** Checkpoints on the store's thread; a failure is counted and reported. */
    private void checkpoint() {
        try {
            maintenance.checkpoint();
        } catch (SQLException e) {
            errors.incrementAndGet();
            lastError = "checkpoint failed: " + e.getMessage();
            LOG.warn("{}", lastError);
        }
    }

    /**
     * Deletes rows older than the retention, then the oldest rows while the store uses more than its
     * maximum size; checkpoints as {@link Maintenance#retain} says. Runs on the store's thread
     * (package-private for tests).
     *
     * @param now the current time
     */
    void retain(Instant now) {
        try {
            deleted.addAndGet(maintenance.retain(now));
        } catch (SQLException | RuntimeException e) {
            errors.incrementAndGet();
            lastError = "retention failed: " + e.getMessage();
            LOG.warn("{}", lastError);
        }
    }

    /**
     * Runs a task on the store's thread and waits for it (tests, and callers that must see the
     * effect of earlier batches).
     *
     * @param task the task
     */
    void runOnStoreThread(Runnable task) {
        CompletableFuture.runAsync(task, executor).join();
    }

    /**
     * @param req an aggregate request
     * @return its rows
     * @throws SQLException on a database error
     */
    List<AggregateQuery.Row> aggregate(AggregateRequest req) throws SQLException {
        try (Connection c = db.reader()) {
            return query.run(c, req);
        }
    }

    /**
     * @param from  exclusive start
     * @param to    inclusive end
     * @param kind  an event kind, or null
     * @param limit at most this many, newest first
     * @return the events
     * @throws SQLException on a database error
     */
    List<Event> events(Instant from, Instant to, String kind, int limit) throws SQLException {
        try (Connection c = db.reader()) {
            return EventLog.query(c, from, to, kind, limit);
        }
    }

    /**
     * @return one status {@code store}: rows, batches, batches skipped as stored already, events,
     *         deleted rows, errors, size on disk,
     *         bytes used as of the last retention run, write-ahead log size, checkpoints run by the store, event listeners bound and listener
     *         calls that threw
     */
    @Override
    public List<ComponentStatus> status() {
        String error = lastError;
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("rows_written", rows.get());
        counters.put("batches_written", batches.get());
        counters.put("duplicate_batches", duplicates.get());
        counters.put("events", events.get());
        counters.put("rows_deleted", deleted.get());
        counters.put("errors", errors.get());
        counters.put("size_bytes", db.sizeOnDisk());
        counters.put("used_bytes", maintenance.usedBytes());
        counters.put("wal_bytes", db.walBytes());
        counters.put("checkpoints", maintenance.checkpoints());
        counters.put("event_listeners", (long) listeners.size());
        counters.put("event_listener_errors", listeners.errors());
        return List.of(new ComponentStatus("store", error.isEmpty() ? Health.OK : Health.DEGRADED, error, counters,
                Map.of("path", db.file().toString()), null));
    }
}
