package org.cartograph.sink.otlp.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * A {@link FlowSink} that exports every interval as OpenTelemetry metrics with delta temporality
 * ({@link MetricMapper}), and optionally each flow as a log record ({@link LogMapper}), through the
 * SDK's OTLP exporters over gRPC or HTTP/protobuf. Exists only while configured.
 *
 * <p>An interval published as several batches is summed ({@link IntervalAccumulator}) and its
 * metrics are exported once, with its last batch; log records go out with each batch.
 *
 * <p>{@link #deliver} never blocks: the batch is mapped on the sink's thread ({@value #THREAD}) and
 * the returned stage completes when the exporter has its answer. A failed or timed-out export is a
 * retryable failure; the core retries the same batch, which is not summed again, and what the
 * receiver already accepted (metrics, when only the logs failed) is not sent twice. Metrics not
 * accepted yet ({@link UnsentMetrics}) are sent again with the next export.
 */
@Component(configurationPid = OtlpSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {FlowSink.class, StatusContributor.class})
@Designate(ocd = OtlpSink.Config.class)
public final class OtlpSink implements FlowSink, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.sink.otlp";
    /** The sink's {@link #name()}. */
    public static final String NAME = "otlp";
    /** The component name in {@link #status()}. */
    public static final String COMPONENT = "sink.otlp";
    /** The name of the sink's thread. */
    public static final String THREAD = "cartograph-sink-otlp";

    private static final Logger LOG = LoggerFactory.getLogger(OtlpSink.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    /** Configuration of the OTLP sink. */
    @ObjectClassDefinition(name = "Cartograph OpenTelemetry (OTLP) sink",
            description = "Exports each interval as OpenTelemetry metrics (and optionally flow logs) over OTLP.")
    public @interface Config {

        /** @return {@code grpc} or {@code http/protobuf} */
        @AttributeDefinition(name = "Protocol", options = {@Option(label = "gRPC", value = "grpc"),
            @Option(label = "HTTP/protobuf", value = "http/protobuf")})
        String protocol() default "grpc";

        /** @return the receiver's base URL; empty: localhost on 4317 (gRPC) or 4318 (HTTP) */
        @AttributeDefinition(name = "Endpoint", required = false, description = "Base URL of the OTLP receiver;"
                + " for HTTP, /v1/metrics and /v1/logs are appended. Empty: http://localhost:4317 or :4318.")
        String endpoint() default "";

        /** @return headers sent with every export, {@code name=value} */
        @AttributeDefinition(name = "Headers", required = false, type = AttributeType.PASSWORD,
                description = "name=value headers sent with every export (e.g. authentication); never logged.")
        String[] headers() default {};

        /** @return the export timeout in seconds */
        @AttributeDefinition(name = "Timeout (s)", min = "1")
        int timeout_seconds() default 10;

        /** @return {@code gzip} or {@code none} */
        @AttributeDefinition(name = "Compression", options = {@Option(label = "none", value = "none"),
            @Option(label = "gzip", value = "gzip")})
        String compression() default "none";

        /** @return whether every flow is also exported as a log record */
        @AttributeDefinition(name = "Export flow logs", description = "Also export one log record per connection.")
        boolean export_logs() default false;
    }

    private final Exporters settings;
    private final MetricExporter metricExporter;
    private final LogRecordExporter logExporter;
    private final IntervalAccumulator intervals = new IntervalAccumulator(new MetricMapper());
    private final UnsentMetrics unsent = new UnsentMetrics();
    private final LogMapper logMapper = new LogMapper();
    private final ExecutorService executor;
    private final AtomicLong batchesExported = new AtomicLong();
    private final AtomicLong intervalsExported = new AtomicLong();
    private final AtomicLong metricPoints = new AtomicLong();
    private final AtomicLong logRecords = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** The last batch whose logs were accepted; sink thread and exporter callbacks. */
    private volatile BatchId logsDoneFor;
    /** Set by exporter callbacks, read from any thread. */
    private final HealthState state = new HealthState(Health.OK, "");

    /**
     * @param config the sink's configuration
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    @Activate
    public OtlpSink(Config config) {
        settings = Exporters.of(config.protocol(), config.endpoint(), config.headers(), config.timeout_seconds(),
                config.compression());
        metricExporter = settings.metrics();
        logExporter = config.export_logs() ? settings.logs() : null;
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, THREAD);
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("OTLP sink exporting metrics{} over {} to {} ({} headers)", logExporter != null ? " and flow logs"
                : "", settings.protocol(), settings.safeEndpoint(), settings.headers().size());
    }

    /**
     * Stops the sink's thread, exports what is left (the open interval, counted as incomplete, and
     * intervals not accepted yet; best effort, once), then stops the exporters.
     */
    @Deactivate
    void deactivate() {
        executor.shutdown();
        try {
            if (executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                flush();
            } else {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        metricExporter.shutdown().join(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        if (logExporter != null) {
            logExporter.shutdown().join(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        }
        LOG.info("OTLP sink to {} stopped", settings.safeEndpoint());
    }

    /** Runs once the sink's thread has stopped. */
    private void flush() {
        intervals.drain().forEach(unsent::add);
        UnsentMetrics.Snapshot rest = unsent.snapshot();
        if (rest.metrics().isEmpty()) {
            return;
        }
        CompletableResultCode code = metricExporter.export(rest.metrics()).join(SHUTDOWN_WAIT_SECONDS,
                TimeUnit.SECONDS);
        if (code.isSuccess()) {
            accepted(rest);
        } else {
            LOG.warn("OTLP sink to {} stops with the metrics of {} intervals not exported", settings.safeEndpoint(),
                    rest.intervals().size());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Maps the batch on the sink's thread and hands it to the exporters; returns at once.
     *
     * @param batch the batch
     * @return completes when the receiver accepted the batch (success) or the export failed or
     *         timed out (retryable failure naming the endpoint)
     */
    @Override
    public CompletionStage<SinkResult> deliver(FlowBatch batch) {
        try {
            return CompletableFuture.supplyAsync(() -> exportOrReject(batch), executor).thenCompose(s -> s);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(SinkResult.retry("the OTLP sink is stopped"));
        }
    }

    /** Runs on the sink's thread; a batch that cannot be mapped is rejected, not retried forever. */
    private CompletableFuture<SinkResult> exportOrReject(FlowBatch batch) {
        try {
            return export(batch);
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            String why = "cannot map batch " + (batch == null ? "null" : batch.sequence()) + " to OTLP: " + e;
            LOG.warn("{}", why, e);
            return CompletableFuture.completedFuture(SinkResult.reject(why));
        }
    }

    private CompletableFuture<SinkResult> export(FlowBatch batch) {
        if (batch == null) {
            return CompletableFuture.completedFuture(SinkResult.reject("no batch"));
        }
        intervals.add(batch).forEach(unsent::add);
        CompletableFuture<Boolean> metricsDone = CompletableFuture.completedFuture(true);
        UnsentMetrics.Snapshot metrics = unsent.snapshot();
        if (!metrics.metrics().isEmpty()) {
            metricsDone = send(metricExporter.export(metrics.metrics()), () -> accepted(metrics));
        }
        CompletableFuture<Boolean> logsDone = CompletableFuture.completedFuture(true);
        if (logExporter != null && !BatchId.of(batch).equals(logsDoneFor) && !batch.flows().isEmpty()) {
            List<LogRecordData> logs = logMapper.map(batch);
            logsDone = send(logExporter.export(logs), () -> {
                logsDoneFor = BatchId.of(batch);
                logRecords.addAndGet(logs.size());
            });
        }
        return metricsDone.thenCombine(logsDone, (m, l) -> m && l ? succeeded() : failed(batch));
    }

    private void accepted(UnsentMetrics.Snapshot metrics) {
        unsent.acknowledge(metrics);
        intervalsExported.addAndGet(metrics.intervals().size());
        metricPoints.addAndGet(metrics.points());
    }

    private static CompletableFuture<Boolean> send(CompletableResultCode code, Runnable onSuccess) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        code.whenComplete(() -> {
            if (code.isSuccess()) {
                onSuccess.run();
            }
            f.complete(code.isSuccess());
        });
        return f;
    }

    private SinkResult succeeded() {
        batchesExported.incrementAndGet();
        if (state.set(Health.OK, "")) {
            LOG.info("OTLP sink exports to {} again", settings.safeEndpoint());
        }
        return SinkResult.success();
    }

    private SinkResult failed(FlowBatch batch) {
        failures.incrementAndGet();
        String why = "OTLP export of batch " + batch.sequence() + " to " + settings.safeEndpoint() + " over "
                + settings.protocol() + " failed or timed out";
        if (state.set(Health.DEGRADED, why)) {
            LOG.warn("{}; the batch will be retried", why);
        } else {
            LOG.debug("{}", why);
        }
        return SinkResult.retry(why);
    }

    /**
     * @return one status: counters {@code batches_exported}, {@code intervals_exported},
     *         {@code intervals_incomplete} (closed before their last batch arrived),
     *         {@code intervals_dropped} (not accepted and pushed out by newer ones),
     *         {@code metric_points}, {@code log_records}, {@code export_failures}; attributes
     *         {@code protocol}, {@code endpoint} (without credentials)
     */
    @Override
    public List<ComponentStatus> status() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("batches_exported", batchesExported.get());
        counters.put("intervals_exported", intervalsExported.get());
        counters.put("intervals_incomplete", intervals.incomplete());
        counters.put("intervals_dropped", unsent.dropped());
        counters.put("metric_points", metricPoints.get());
        counters.put("log_records", logRecords.get());
        counters.put("export_failures", failures.get());
        return List.of(state.status(COMPONENT, counters, Map.of("protocol", settings.protocol(), "endpoint",
                settings.safeEndpoint(), "logs", String.valueOf(logExporter != null))));
    }
}
