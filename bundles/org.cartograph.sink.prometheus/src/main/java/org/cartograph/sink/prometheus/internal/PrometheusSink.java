package org.cartograph.sink.prometheus.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * A {@link FlowSink} that adds every batch to Prometheus metrics (see {@link FlowMetrics},
 * {@link DnsMetrics}), which {@link MetricsServlet} serves at {@code /metrics}. Exists only while
 * configured.
 *
 * <p>{@link #deliver} never blocks: the batch is aggregated on the sink's own thread
 * ({@value #THREAD}). Scrapes read the registry from HTTP threads at any time. The cap on label
 * sets and what overflowed into the {@code other} label set are exported
 * ({@code cartograph_prometheus_series_limit}, {@code cartograph_prometheus_series},
 * {@code cartograph_prometheus_series_overflow_total}) and shown in {@link #status()}.
 *
 * <p>As an {@link EventListener} it counts network events by kind in
 * {@code cartograph_network_events_total{kind}}; {@link #onEvents} only increments counters
 * (lock-free), so it returns at once on the caller's thread.
 */
@Component(configurationPid = PrometheusSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {FlowSink.class, EventListener.class, StatusContributor.class, ScrapeSource.class})
@Designate(ocd = PrometheusSink.Config.class)
public final class PrometheusSink implements FlowSink, EventListener, StatusContributor, ScrapeSource {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.sink.prometheus";
    /** The sink's {@link #name()}. */
    public static final String NAME = "prometheus";
    /** The component name in {@link #status()}. */
    public static final String COMPONENT = "sink.prometheus";
    /** The name of the sink's thread. */
    public static final String THREAD = "cartograph-sink-prometheus";

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSink.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 10;
    /** The event kinds the store raises; exported at 0 from the start. */
    private static final List<String> KNOWN_KINDS = List.of("new_dependency", "dependency_stopped",
            "outage_suspected", "outage_resolved");
    /** Distinct {@code kind} label values before further kinds are counted as {@code other}. */
    private static final int MAX_EVENT_KINDS = 32;

    /** Configuration of the Prometheus sink. */
    @ObjectClassDefinition(name = "Cartograph Prometheus sink",
            description = "Aggregates each interval into Prometheus metrics served at /metrics on the agent's HTTP port.")
    public @interface Config {

        /** @return label definitions, NAME=SOURCE|SOURCE|... (first source with a value wins) */
        @AttributeDefinition(name = "Labels", description = "NAME=SOURCE|SOURCE|...; a source is local.TAG,"
                + " remote.TAG or flow.protocol|direction|family|process|remote_dns|remote_address|local_address."
                + " Ports and pids are refused.")
        String[] labels() default {
            "source_service=local.service|local.kube_service",
            "source_container=local.container_name",
            "destination_service=remote.service|remote.kube_service|flow.remote_dns|flow.remote_address",
            "destination_container=remote.container_name",
        };

        /** @return label sets per metric family before new ones are counted under {@code other} */
        @AttributeDefinition(name = "Series limit", min = "1", description = "Distinct label sets per metric family"
                + " (connections, DNS); beyond it new label sets are counted with every label set to 'other'.")
        int series_limit() default 10000;

        /** @return seconds after which a label set with no traffic is removed (0: never) */
        @AttributeDefinition(name = "Idle series timeout (s)", min = "0",
                description = "A label set with no traffic for this long is removed, freeing its slot. 0 keeps all.")
        int series_idle_timeout_seconds() default 900;

        /** @return whether DNS metrics carry the queried domain as a label */
        @AttributeDefinition(name = "DNS domain label",
                description = "Adds the queried domain to DNS metrics (unbounded: the series limit applies).")
        boolean dns_domain_label() default false;
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final FlowMetrics flows;
    private final DnsMetrics dns;
    private final Counter batches;
    private final Counter overflow;
    private final Counter events;
    /** Kinds with a series of their own; bounded by {@link #MAX_EVENT_KINDS}. */
    private final Set<String> eventKinds = ConcurrentHashMap.newKeySet();
    private final AtomicLong eventCount = new AtomicLong();
    private final long idleMillis;
    private final int limit;
    private final ExecutorService executor;
    /** Counters written on the sink's thread, read by {@link #status()} and scrapes. */
    private volatile long[] counters = new long[7];
    /** Records overflowed in the batches of the interval so far; the sink's thread only. */
    private long intervalOverflow;
    /** Set on the sink's thread, read from any thread. */
    private final HealthState state = new HealthState(Health.OK, "");

    /**
     * @param config the sink's configuration
     * @throws IllegalArgumentException if a label definition is malformed or a bound is out of range
     */
    @Activate
    public PrometheusSink(Config config) {
        if (config.series_limit() < 1 || config.series_idle_timeout_seconds() < 0) {
            throw new IllegalArgumentException("series.limit must be at least 1 and series.idle.timeout.seconds at"
                    + " least 0, not " + config.series_limit() + " and " + config.series_idle_timeout_seconds());
        }
        LabelSpec spec = LabelSpec.parse(config.labels());
        limit = config.series_limit();
        idleMillis = config.series_idle_timeout_seconds() * 1000L;
        flows = new FlowMetrics(spec, limit, registry);
        dns = new DnsMetrics(config.dns_domain_label(), limit, registry);
        batches = Counter.builder().name("cartograph_prometheus_batches").help("Batches added to these metrics")
                .withoutExemplars().register(registry);
        overflow = Counter.builder().name("cartograph_prometheus_series_overflow")
                .help("Records counted under the 'other' label set because the series limit was reached")
                .labelNames("family").withoutExemplars().register(registry);
        overflow.initLabelValues("connections");
        overflow.initLabelValues("dns");
        events = Counter.builder().name("cartograph_network_events")
                .help("Network events found by analysis (new or stopped dependencies, suspected or resolved outages)")
                .labelNames("kind").withoutExemplars().register(registry);
        for (String kind : KNOWN_KINDS) {
            eventKinds.add(kind);
            events.initLabelValues(kind);
        }
        GaugeWithCallback.builder().name("cartograph_prometheus_series_limit")
                .help("Distinct label sets allowed per metric family before 'other' is used")
                .callback(cb -> cb.call(limit)).register(registry);
        GaugeWithCallback.builder().name("cartograph_prometheus_series").help("Distinct label sets in use")
                .labelNames("family").callback(cb -> {
                    long[] c = counters;
                    cb.call(c[3], "connections");
                    cb.call(c[4], "dns");
                }).register(registry);
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, THREAD);
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("Prometheus sink active: labels {}, series limit {}, idle timeout {} s", spec.names(), limit,
                config.series_idle_timeout_seconds());
    }

    /** Finishes the batch in progress and stops the sink's thread. */
    @Deactivate
    void deactivate() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        LOG.info("Prometheus sink stopped");
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Queues the batch for the sink's thread and returns at once.
     *
     * @param batch the batch
     * @return completes on the sink's thread with success once the batch is in the metrics, or a
     *         retryable failure after deactivation
     */
    @Override
    public CompletionStage<SinkResult> deliver(FlowBatch batch) {
        try {
            return CompletableFuture.supplyAsync(() -> recordOrReject(batch), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(SinkResult.retry("the Prometheus sink is stopped"));
        }
    }

    /** Runs on the sink's thread; a batch that cannot be added is rejected, not retried forever. */
    private SinkResult recordOrReject(FlowBatch batch) {
        try {
            return record(batch);
        } catch (RuntimeException e) {
            String why = "cannot add batch " + (batch == null ? "null" : batch.sequence()) + " to the metrics: " + e;
            LOG.warn("{}", why, e);
            return SinkResult.reject(why);
        }
    }

    /**
     * Adds a batch; runs on the sink's thread (tests and benchmarks call it directly).
     *
     * @param batch the batch
     * @return the outcome
     */
    SinkResult record(FlowBatch batch) {
        if (batch == null) {
            return SinkResult.reject("no batch");
        }
        long overflowBefore = flows.limiter().overflow();
        long dnsOverflowBefore = dns.limiter().overflow();
        int nFlows = flows.record(batch);
        int nDns = dns.record(batch);
        if (idleMillis > 0) {
            long cutoff = batch.time().toEpochMilli() - idleMillis;
            flows.expire(cutoff);
            dns.expire(cutoff);
        }
        long flowOverflow = flows.limiter().overflow() - overflowBefore;
        long dnsOverflow = dns.limiter().overflow() - dnsOverflowBefore;
        if (flowOverflow > 0) {
            overflow.labelValues("connections").inc(flowOverflow);
        }
        if (dnsOverflow > 0) {
            overflow.labelValues("dns").inc(dnsOverflow);
        }
        batches.inc();
        long[] before = counters;
        counters = new long[] {before[0] + 1, before[1] + nFlows, before[2] + nDns, flows.limiter().active(),
            dns.limiter().active(), flows.limiter().overflow() + dns.limiter().overflow(),
            flows.limiter().expired() + dns.limiter().expired()};
        intervalOverflow += flowOverflow + dnsOverflow;
        if (batch.lastOfInterval()) {
            updateHealth(intervalOverflow);
            intervalOverflow = 0;
        }
        return SinkResult.success();
    }

    /** Judged once per interval: its batches may overflow in some parts and not in others. */
    private void updateHealth(long overflowed) {
        if (overflowed > 0) {
            String why = "series limit " + limit + " reached: " + overflowed
                    + " records of the last interval counted under label value 'other'";
            if (state.set(Health.DEGRADED, why)) {
                LOG.warn("{}; raise series.limit or choose fewer labels", why);
            }
        } else if (state.set(Health.OK, "")) {
            LOG.info("Prometheus sink back under its series limit");
        }
    }

    /**
     * Counts the events by kind on the caller's thread; lock-free, never blocks, never throws. A
     * kind beyond the first {@value #MAX_EVENT_KINDS} is counted as {@code other}.
     *
     * @param found the events of one analysis run
     */
    @Override
    public void onEvents(List<NetworkEvent> found) {
        if (found == null) {
            return;
        }
        for (NetworkEvent e : found) {
            String kind = e.kind();
            if (!eventKinds.contains(kind)) {
                kind = eventKinds.size() < MAX_EVENT_KINDS && eventKinds.add(kind) ? kind : "other";
            }
            events.labelValues(kind).inc();
            eventCount.incrementAndGet();
        }
    }

    @Override
    public MetricSnapshots scrape() {
        return registry.scrape();
    }

    /**
     * @return one status: counters {@code batches}, {@code flows}, {@code dns_stats}, {@code series},
     *         {@code series_dns}, {@code series_limit}, {@code series_overflow}, {@code series_expired},
     *         {@code events}
     */
    @Override
    public List<ComponentStatus> status() {
        long[] c = counters;
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("batches", c[0]);
        m.put("flows", c[1]);
        m.put("dns_stats", c[2]);
        m.put("series", c[3]);
        m.put("series_dns", c[4]);
        m.put("series_limit", (long) limit);
        m.put("series_overflow", c[5]);
        m.put("series_expired", c[6]);
        m.put("events", eventCount.get());
        return List.of(state.status(COMPONENT, m, Map.of("path", "/metrics")));
    }
}
