package org.cartograph.core.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.DnsMonitor;
import org.cartograph.enrich.FlowAnnotator;
import org.cartograph.enrich.FlowTagger;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.mesh.MeshResolver;
import org.cartograph.sink.BatchPublisher;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline: every interval it collects each capture backend's deltas, classifies, tags and
 * mesh-resolves the flows and publishes them as immutable batches of at most
 * {@code max_flows_per_batch} flows, the last one of the interval marked and carrying its DNS
 * statistics: memory stays bounded however many connections the host has (the sink queues make
 * the pipeline wait while a healthy sink catches up). Backends, taggers and resolvers come and go
 * as services at any time; the work runs on one named thread.
 */
@Component(configurationPid = "org.cartograph.core.pipeline", immediate = true, service = StatusContributor.class)
@Designate(ocd = PipelineConfig.class)
public final class Pipeline implements StatusContributor {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final long HOST_REFRESH_MILLIS = 60_000;

    private final BatchPublisher publisher;
    private final ScheduledExecutorService executor;
    private final HostClassifier host = new HostClassifier();
    private final Clock clock = Clock.systemUTC();
    private final Map<CaptureBackend, BackendSlot> backends = new ConcurrentHashMap<>();
    private final List<FlowTagger> taggers = new CopyOnWriteArrayList<>();
    private final List<MeshResolver> resolvers = new CopyOnWriteArrayList<>();
    private final List<FlowAnnotator> annotators = new CopyOnWriteArrayList<>();
    private final List<DnsMonitor> dnsMonitors = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong flowsPublished = new AtomicLong();
    private final AtomicLong intervals = new AtomicLong();
    private final AtomicLong taggerErrors = new AtomicLong();
    private volatile PipelineConfig config;
    private volatile String hostName;
    private volatile long lastIntervalMillis;
    private volatile long lastHostRefresh;
    /** Guarded by this. */
    private ScheduledFuture<?> tick;

    @Activate
    public Pipeline(@Reference BatchPublisher publisher, PipelineConfig config) {
        this.publisher = publisher;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "cartograph-pipeline"));
        apply(config);
    }

    @Modified
    void modified(PipelineConfig newConfig) {
        apply(newConfig);
    }

    private synchronized void apply(PipelineConfig c) {
        boolean reschedule = config == null || config.interval_seconds() != c.interval_seconds();
        config = c;
        hostName = c.host_name().isBlank() ? localHostName() : c.host_name().strip();
        if (reschedule) {
            if (tick != null) {
                tick.cancel(false);
            }
            long period = Math.max(1, c.interval_seconds());
            tick = executor.scheduleAtFixedRate(this::runInterval, period, period, TimeUnit.SECONDS);
            LOG.info("pipeline interval {}s, host {}", period, hostName);
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (tick != null) {
                tick.cancel(false);
            }
        }
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        backends.values().forEach(BackendSlot::shutdown);
        backends.clear();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBackend(CaptureBackend backend) {
        PipelineConfig c = config;
        CaptureSettings settings = new CaptureSettings(c.max_tracked_connections(), c.closed_channel_size(),
                c.collect_tcp(), c.collect_udp(), c.collect_ipv6(), Duration.ofSeconds(c.interval_seconds()));
        BackendSlot slot = new BackendSlot(backend, settings, c.expire_after_intervals());
        backends.put(backend, slot);
    }

    void removeBackend(CaptureBackend backend) {
        BackendSlot slot = backends.remove(backend);
        if (slot != null) {
            slot.shutdown();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addTagger(FlowTagger tagger) {
        taggers.add(tagger);
    }

    void removeTagger(FlowTagger tagger) {
        taggers.remove(tagger);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addResolver(MeshResolver resolver) {
        resolvers.add(resolver);
    }

    void removeResolver(MeshResolver resolver) {
        resolvers.remove(resolver);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAnnotator(FlowAnnotator annotator) {
        annotators.add(annotator);
    }

    void removeAnnotator(FlowAnnotator annotator) {
        annotators.remove(annotator);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addDnsMonitor(DnsMonitor monitor) {
        dnsMonitors.add(monitor);
    }

    void removeDnsMonitor(DnsMonitor monitor) {
        dnsMonitors.remove(monitor);
    }

    /** One interval; never lets an exception out (the scheduler would stop calling it). */
    void runInterval() {
        long start = System.nanoTime();
        try {
            PipelineConfig c = config;
            if (!c.network_enabled() || !c.system_probe_enabled()) {
                return;
            }
            if (System.currentTimeMillis() - lastHostRefresh > HOST_REFRESH_MILLIS) {
                host.refresh();
                lastHostRefresh = System.currentTimeMillis();
            }
            Instant time = clock.instant();
            Duration interval = Duration.ofSeconds(c.interval_seconds());
            FlowAssembler assembler = new FlowAssembler(host, c.max_flows_per_batch(),
                    part -> publish(part, time, interval, List.of(), false));
            collectGroups(assembler);
            publish(assembler.flows(), time, interval, collectDns(), true);
            intervals.incrementAndGet();
        } catch (RuntimeException e) {
            LOG.error("interval failed", e);
        } finally {
            lastIntervalMillis = (System.nanoTime() - start) / 1_000_000;
        }
    }

    private void publish(List<Flow> part, Instant time, Duration interval, List<DnsStats> dns, boolean last) {
        List<Flow> flows = resolveMesh(annotateAndTag(part));
        FlowBatch batch = new FlowBatch(sequence.incrementAndGet(), hostName, time, interval, flows, dns, last);
        flowsPublished.addAndGet(flows.size());
        publisher.publish(batch);
    }

    /**
     * Runs, in each group of alternative backends, the most preferred one that opens and
     * collects from it; the others of the group stay on standby.
     */
    private void collectGroups(FlowAssembler assembler) {
        Map<String, List<BackendSlot>> groups = new TreeMap<>();
        for (BackendSlot slot : backends.values()) {
            groups.computeIfAbsent(slot.group(), g -> new ArrayList<>()).add(slot);
        }
        for (List<BackendSlot> group : groups.values()) {
            group.sort(Comparator.comparingInt(BackendSlot::preference).reversed());
            boolean active = false;
            for (BackendSlot slot : group) {
                if (active) {
                    slot.standBy();
                    continue;
                }
                slot.activate();
                if (slot.ensureRunning(clock)) {
                    slot.collect(assembler);
                    active = true;
                }
            }
        }
    }

    /**
     * Annotates and tags each flow in place, one flow at a time: the list holds only the final
     * flows, so an interval with many new connections keeps one generation of flow records alive,
     * not one per step (the intermediate records die young).
     */
    private List<Flow> annotateAndTag(List<Flow> flows) {
        List<FlowAnnotator> annotating = List.copyOf(annotators);
        List<FlowTagger> tagging = List.copyOf(taggers);
        if (annotating.isEmpty() && tagging.isEmpty()) {
            return flows;
        }
        TagBuilder local = new TagBuilder();
        TagBuilder remote = new TagBuilder();
        for (int i = 0; i < flows.size(); i++) {
            flows.set(i, tag(annotate(flows.get(i), annotating), tagging, local, remote));
        }
        return flows;
    }

    private Flow annotate(Flow flow, List<FlowAnnotator> annotating) {
        Flow current = flow;
        for (FlowAnnotator a : annotating) {
            try {
                current = a.annotate(current);
            } catch (RuntimeException e) {
                taggerErrors.incrementAndGet();
            }
        }
        return current;
    }

    private List<DnsStats> collectDns() {
        if (dnsMonitors.isEmpty()) {
            return List.of();
        }
        List<DnsStats> all = new ArrayList<>();
        for (DnsMonitor m : dnsMonitors) {
            try {
                all.addAll(m.collect());
            } catch (RuntimeException e) {
                LOG.warn("DNS monitor {} failed, its statistics are skipped this interval: {}", m.name(), e.toString());
            }
        }
        return all;
    }

    private Flow tag(Flow f, List<FlowTagger> tagging, TagBuilder local, TagBuilder remote) {
        if (tagging.isEmpty()) {
            return f;
        }
        for (FlowTagger t : tagging) {
            try {
                t.tag(f, local, remote);
            } catch (RuntimeException e) {
                taggerErrors.incrementAndGet();
            }
        }
        return f.withTags(local.build(f.localTags()), remote.build(f.remoteTags()));
    }

    private List<Flow> resolveMesh(List<Flow> flows) {
        List<Flow> current = flows;
        for (MeshResolver r : resolvers) {
            try {
                current = r.resolve(List.copyOf(current)).flows();
            } catch (RuntimeException e) {
                LOG.warn("mesh resolver {} failed, its rewrite is skipped: {}", r.name(), e.toString());
            }
        }
        return current;
    }

    @Override
    public List<ComponentStatus> status() {
        List<ComponentStatus> out = new ArrayList<>();
        PipelineConfig c = config;
        boolean enabled = c.network_enabled() && c.system_probe_enabled();
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("batches", sequence.get());
        counters.put("intervals", intervals.get());
        counters.put("flows", flowsPublished.get());
        counters.put("interval_duration_ms", lastIntervalMillis);
        counters.put("tagger_errors", taggerErrors.get());
        out.add(new ComponentStatus("pipeline", enabled ? Health.OK : Health.DOWN,
                enabled ? "" : "network monitoring disabled by configuration", counters,
                Map.of("interval_s", String.valueOf(c.interval_seconds()), "host", hostName,
                        "max_flows_per_batch", String.valueOf(c.max_flows_per_batch()),
                        "backends", String.valueOf(backends.size()), "taggers", String.valueOf(taggers.size()),
                        "mesh_resolvers", String.valueOf(resolvers.size()),
                        "annotators", String.valueOf(annotators.size()), "dns_monitors", String.valueOf(dnsMonitors.size())),
                null));
        for (BackendSlot slot : backends.values()) {
            out.add(CaptureStatusView.of(slot));
        }
        return out;
    }

    private static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
