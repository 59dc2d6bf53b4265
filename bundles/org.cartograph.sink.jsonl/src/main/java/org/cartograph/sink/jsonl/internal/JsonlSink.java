package org.cartograph.sink.jsonl.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.event.EventListener;
import org.cartograph.event.NetworkEvent;
import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.FlowSink;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.HealthState;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FlowSink} that writes every batch as JSON lines (see {@link BatchEncoder} for the
 * fields) to a size-rotated file or to standard output. Exists only while configured.
 *
 * <p>{@link #deliver} never blocks: the batch is written, then flushed, on the sink's own thread
 * ({@value #THREAD}), and the returned stage completes there. An I/O failure completes it with a
 * retryable failure naming the path; the file is opened afresh for the next attempt, so a deleted
 * or temporarily unwritable directory heals by itself. {@link #status()} may be called from any
 * thread and does no I/O.
 *
 * <p>As an {@link EventListener} it writes one {@code event} line per network event, on the same
 * thread and into the same file as the batches; {@link #onEvents} only queues them.
 */
@Component(configurationPid = JsonlSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {FlowSink.class, EventListener.class, StatusContributor.class})
@Designate(ocd = JsonlSink.Config.class)
public final class JsonlSink implements FlowSink, EventListener, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.sink.jsonl";
    /** The sink's {@link #name()}. */
    public static final String NAME = "jsonl";
    /** The component name in {@link #status()}. */
    public static final String COMPONENT = "sink.jsonl";
    /** The name of the sink's thread. */
    public static final String THREAD = "cartograph-sink-jsonl";

    private static final Logger LOG = LoggerFactory.getLogger(JsonlSink.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 30;

    /** Configuration of the JSON Lines sink. */
    @ObjectClassDefinition(name = "Cartograph JSON Lines sink",
            description = "Writes one JSON object per connection and per DNS statistic and interval.")
    public @interface Config {

        /** @return the file to append to, or {@code -} / {@code stdout} for standard output */
        @AttributeDefinition(name = "Path",
                description = "File to append to (parent directories are created), or - or stdout for standard output.")
        String path();

        /** @return the size in MiB at which the file is rotated */
        @AttributeDefinition(name = "Maximum file size (MB)", min = "1",
                description = "The file is rotated before a batch once it holds at least this many MiB.")
        int max_file_size_mb() default 100;

        /** @return how many rotated files ({@code FILE.1} newest ... {@code FILE.N}) are kept */
        @AttributeDefinition(name = "Rotated files kept", min = "0",
                description = "FILE.1 is the newest rotated file; older ones beyond this count are deleted.")
        int max_files() default 5;
    }

    private final LineOutput output;
    private final BatchEncoder encoder = new BatchEncoder();
    private final ExecutorService executor;
    private final AtomicLong linesWritten = new AtomicLong();
    private final AtomicLong batchesWritten = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong eventsWritten = new AtomicLong();
    private final AtomicLong eventsDropped = new AtomicLong();
    /** Set on the sink's thread, read from any thread. */
    private final HealthState state = new HealthState(Health.OK, "");

    /**
     * @param config the sink's configuration
     * @throws IllegalArgumentException if the path is missing or a bound is out of range
     */
    @Activate
    public JsonlSink(Config config) {
        String path = config.path() == null ? "" : config.path().strip();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("path is required: a file, or - or stdout for standard output");
        }
        if (config.max_file_size_mb() < 1 || config.max_files() < 0) {
            throw new IllegalArgumentException("max.file.size.mb must be at least 1 and max.files at least 0, not "
                    + config.max_file_size_mb() + " and " + config.max_files());
        }
        if (path.equals("-") || path.equals(StdoutOutput.LOCATION)) {
            output = new StdoutOutput();
        } else {
            output = new RotatingFileOutput(Path.of(path), config.max_file_size_mb() * 1024L * 1024L,
                    config.max_files());
        }
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, THREAD);
            thread.setDaemon(true);
            return thread;
        });
        if (output instanceof StdoutOutput) {
            LOG.info("JSON Lines sink writing to standard output");
        } else {
            LOG.info("JSON Lines sink writing to {} (rotating at {} MB, keeping {} files)", output.location(),
                    config.max_file_size_mb(), config.max_files());
        }
    }

    /** Writes what was already delivered, closes the output and stops the sink's thread. */
    @Deactivate
    void deactivate() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("JSON Lines sink for {} did not finish its batch within {} s; abandoning it",
                        output.location(), SHUTDOWN_WAIT_SECONDS);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        output.close();
        LOG.info("JSON Lines sink for {} stopped", output.location());
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Queues the batch for the sink's thread and returns at once.
     *
     * @param batch the batch; a batch without flows and DNS statistics writes nothing
     * @return completes on the sink's thread: success once the batch is written and flushed, a
     *         retryable failure naming the path on an I/O error or after deactivation
     */
    @Override
    public CompletionStage<SinkResult> deliver(FlowBatch batch) {
        try {
            return CompletableFuture.supplyAsync(() -> write(batch), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    SinkResult.retry("the JSON Lines sink for " + output.location() + " is stopped"));
        }
    }

    /**
     * Queues the events for the sink's thread and returns at once; never throws. Events that cannot
     * be written (I/O error, sink stopped) are counted in {@code events_dropped}, not retried.
     *
     * @param events the events of one analysis run
     */
    @Override
    public void onEvents(List<NetworkEvent> events) {
        if (events == null || events.isEmpty()) {
            return;
        }
        List<NetworkEvent> copy = List.copyOf(events);
        try {
            executor.execute(() -> writeEvents(copy));
        } catch (RejectedExecutionException e) {
            eventsDropped.addAndGet(copy.size());
            LOG.debug("JSON Lines sink for {} is stopped; {} events dropped", output.location(), copy.size());
        }
    }

    /**
     * @return one status: counters {@code lines_written} (all lines), {@code batches_written},
     *         {@code events_written}, {@code events_dropped}, {@code rotations}, {@code errors}
     */
    @Override
    public List<ComponentStatus> status() {
        Map<String, Long> counters = Map.of("lines_written", linesWritten.get(), "batches_written",
                batchesWritten.get(), "events_written", eventsWritten.get(), "events_dropped", eventsDropped.get(),
                "rotations", output.rotations(), "errors", errors.get());
        return List.of(state.status(COMPONENT, counters, Map.of("path", output.location())));
    }

    /** Runs on the sink's thread. */
    private SinkResult write(FlowBatch batch) {
        if (batch == null) {
            return SinkResult.reject("no batch to write");
        }
        if (batch.flows().isEmpty() && batch.dns().isEmpty()) {
            return SinkResult.success();
        }
        try {
            OutputStream out = output.begin();
            int lines = encoder.write(batch, out);
            output.commit();
            linesWritten.addAndGet(lines);
            batchesWritten.incrementAndGet();
            succeeded();
            return SinkResult.success();
        } catch (IOException e) {
            output.abort();
            String why = "cannot write " + output.location() + ": " + describe(e);
            failed(why, null);
            return SinkResult.retry(why);
        } catch (RuntimeException e) {
            output.abort();
            String why = "cannot encode batch " + batch.sequence() + " for " + output.location() + ": " + describe(e);
            failed(why, e);
            return SinkResult.reject(why);
        }
    }

    /** Runs on the sink's thread; failed events are counted and dropped. */
    private void writeEvents(List<NetworkEvent> events) {
        try {
            OutputStream out = output.begin();
            int lines = encoder.writeEvents(events, out);
            output.commit();
            linesWritten.addAndGet(lines);
            eventsWritten.addAndGet(lines);
            succeeded();
        } catch (IOException e) {
            output.abort();
            eventsDropped.addAndGet(events.size());
            failed("cannot write " + events.size() + " events to " + output.location() + ": " + describe(e), null,
                    "they are dropped");
        } catch (RuntimeException e) {
            output.abort();
            eventsDropped.addAndGet(events.size());
            failed("cannot encode " + events.size() + " events for " + output.location() + ": " + describe(e), e,
                    "they are dropped");
        }
    }

    private void succeeded() {
        if (state.set(Health.OK, "")) {
            LOG.info("JSON Lines sink writes to {} again", output.location());
        }
    }

    private void failed(String why, RuntimeException bug) {
        failed(why, bug, "the batch will be retried");
    }

    private void failed(String why, RuntimeException bug, String consequence) {
        errors.incrementAndGet();
        boolean changed = state.set(Health.DEGRADED, why);
        if (bug != null) {
            LOG.warn("{}", why, bug);
        } else if (changed) {
            LOG.warn("{}; {}", why, consequence);
        } else {
            LOG.debug("{}", why);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }
}
