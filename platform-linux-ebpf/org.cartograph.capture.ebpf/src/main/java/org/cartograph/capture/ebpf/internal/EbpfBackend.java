package org.cartograph.capture.ebpf.internal;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.capture.ebpf.internal.ffm.LibbpfLoader;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Linux eBPF {@link CaptureBackend} (group {@code linux}, preference 100): CO-RE programs on
 * the socket tracepoints keep one entry per TCP/UDP socket in a kernel hash map; a closed socket's
 * entry moves to a ring buffer that a named thread drains into the core's closed buffer, exactly
 * once. Unconnected UDP sockets are counted per peer (named for each call by cgroup sock_addr
 * hooks) and reported as one flow per (socket, peer). Snapshots read the maps in batches into one
 * reused view.
 *
 * <p>{@code open} .. {@code close} run on one core thread at a time; {@code status} and
 * {@code capabilities} from any thread, without blocking.
 */
@Component(configurationPid = EbpfBackend.PID, service = CaptureBackend.class)
@Designate(ocd = EbpfBackend.Config.class)
public final class EbpfBackend implements CaptureBackend {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.capture.ebpf";
    /** The backend's name. */
    public static final String NAME = "ebpf";
    /** The group shared with the netlink fallback. */
    public static final String GROUP = "linux";
    static final int DEFAULT_MAX_ENTRIES = 131_072;

    private static final Logger LOG = LoggerFactory.getLogger(EbpfBackend.class);

    /** Configuration of the eBPF backend. */
    @ObjectClassDefinition(name = "Cartograph eBPF capture backend",
            description = "Captures TCP and UDP connections in every network namespace with eBPF.")
    public @interface Config {

        /** @return which hooks to use */
        @AttributeDefinition(name = "Hooks", description = "auto (tp_btf where the kernel has it, else classic tracepoints), tp_btf or tracepoint.")
        String hooks() default "auto";

        /** @return the timer drain interval */
        @AttributeDefinition(name = "Drain interval (ms)", description = "Closed connections not worth a wakeup are read at least this often.", min = "10")
        int drain_interval_ms() default 100;

        /** @return whether connections open at start are looked up */
        @AttributeDefinition(name = "Pre-existing connections", description = "Walk the kernel's TCP and UDP sockets at start (BPF iterators).")
        boolean preexisting() default true;
    }

    /** What status shows; replaced as a whole. */
    private record State(String variant, boolean running, List<String> cannotSee, String message) {
    }

    private final Config config;
    private final Environment env;
    private final ProcessNames names = new ProcessNames();
    private final EbpfView openView = new EbpfView(names);
    private final EbpfView closedView = new EbpfView(new ProcessNames());
    private volatile State state = new State("not loaded", false, List.of(), "");
    private volatile long ringbufFull;
    private volatile long mapFull;
    private volatile Set<CaptureFeature> features = EnumSet.noneOf(CaptureFeature.class);

    /** Confined to the core thread. */
    private CaptureContext context;
    /** Confined to the core thread. */
    private CaptureSettings settings;
    /** Confined to the core thread. */
    private ProgramSet programs;
    /** Confined to the core thread. */
    private ClosedRing ring;
    /** Confined to the core thread. */
    private ClosedDrainer drainer;
    /** Confined to the core thread. */
    private Variant variant;
    /** Confined to the core thread: whether this backend mounted tracefs (and so unmounts it). */
    private boolean mountedTracefs;
    /** Written on the core thread, read by the drain thread: whether closed records go to the core. */
    private volatile boolean delivering;

    /** @param config the backend's configuration */
    @Activate
    public EbpfBackend(Config config) {
        this(config, new Environment(new LibbpfLoader(), Environment::bundledObject, Privileges::missingHere,
                Environment::findCgroup2, LibbpfLoader::problem, Namespaces::list));
    }

    EbpfBackend(Config config, Environment env) {
        this.config = config;
        this.env = env;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public int preference() {
        return 100;
    }

    @Override
    public CaptureCapabilities capabilities() {
        return new CaptureCapabilities(features);
    }

    @Override
    public void open(CaptureContext captureContext) throws CaptureException {
        if (programs != null) {
            return;
        }
        List<String> missing = env.missingCaps().get();
        if (!missing.isEmpty()) {
            throw fail("eBPF capture needs root or CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN; missing: "
                    + String.join(", ", missing));
        }
        String problem = env.libbpfProblem().get();
        if (problem != null) {
            throw fail(problem);
        }
        context = captureContext;
        settings = captureContext.settings();
        int max = settings.maxTrackedConnections() > 0 ? settings.maxTrackedConnections() : DEFAULT_MAX_ENTRIES;
        String cgroup = env.cgroupRoot().get();
        Variant v = Variant.choose(env.loader(), config.hooks(), cgroup);
        if (!config.preexisting()) {
            v = new Variant(v.hooks(), v.programs(), v.cgroupPrograms(), List.of(), v.cannotSee());
        }
        byte[] object = env.object().get();
        try {
            programs = loadAndAttach(object, v, max, cgroup);
        } catch (KernelException e) {
            if (!v.hooks().equals(Variant.TP_BTF) || !config.hooks().equals("auto")) {
                unmountTracefs();
                throw fail("cannot load the eBPF programs (" + v.label() + "): " + e.getMessage(), e);
            }
            LOG.warn("tp_btf programs did not load ({}); trying classic tracepoints", e.getMessage());
            v = Variant.of(Variant.TRACEPOINT, v.iterators().contains("carto_iter_tcp"),
                    v.iterators().contains("carto_iter_udp"), cgroup);
            try {
                programs = loadAndAttach(object, v, max, cgroup);
            } catch (KernelException e2) {
                unmountTracefs();
                throw fail("cannot load the eBPF programs (" + v.label() + "): " + e2.getMessage(), e2);
            }
        }
        variant = v;
        try {
            ring = programs.openClosedRing(this::onClosed);
        } catch (KernelException e) {
            closePrograms();
            unmountTracefs();
            throw fail("cannot read closed connections: " + e.getMessage(), e);
        }
        drainer = new ClosedDrainer(ring, Math.max(10, config.drain_interval_ms()));
        features = featuresOf(v);
        state = new State(v.label(), false, v.cannotSee(), "loaded " + String.join(", ", programs.attached()));
        LOG.info("eBPF capture loaded: {} ({} connections at most)", v.label(), max);
    }

    private ProgramSet loadAndAttach(byte[] object, Variant v, int max, String cgroup) throws KernelException {
        ProgramSet set = null;
        try {
            if (v.hooks().equals(Variant.TRACEPOINT) && env.loader().ensureTracefs()) {
                mountedTracefs = true;
                LOG.info("Mounted tracefs on /sys/kernel/tracing for classic tracepoints");
            }
            set = env.loader().load(object, v.toLoad(), max);
            for (String p : v.programs()) {
                set.attach(p);
            }
            for (String p : v.cgroupPrograms()) {
                set.attachCgroup(p, cgroup);
            }
            return set;
        } catch (KernelException | RuntimeException e) {
            if (set != null) {
                set.close();
            }
            throw e;
        }
    }

    private static Set<CaptureFeature> featuresOf(Variant v) {
        Set<CaptureFeature> f = EnumSet.of(CaptureFeature.TCP, CaptureFeature.UDP, CaptureFeature.IPV6,
                CaptureFeature.ALL_NAMESPACES, CaptureFeature.PROCESS, CaptureFeature.CGROUP, CaptureFeature.RTT,
                CaptureFeature.RETRANSMITS, CaptureFeature.TCP_FAILURES, CaptureFeature.CLOSED_CONNECTIONS);
        if (!v.iterators().isEmpty()) {
            f.add(CaptureFeature.PREEXISTING_CONNECTIONS);
        }
        if (v.cgroupPrograms().containsAll(Variant.UDP_PEER_HOOKS)) {
            f.add(CaptureFeature.UNCONNECTED_UDP_PEERS);
        }
        return f;
    }

    @Override
    public void start() throws CaptureException {
        if (programs == null) {
            throw new CaptureException("eBPF backend is not open");
        }
        if (state.running()) {
            return;
        }
        try {
            drainer.drainNow();
            delivering = true;
            preexisting();
        } catch (KernelException e) {
            delivering = false;
            throw fail("cannot start eBPF capture: " + e.getMessage(), e);
        }
        drainer.start("cartograph-ebpf-drain");
        state = new State(variant.label(), true, variant.cannotSee(), "capturing");
    }

    /** Walks the sockets of every network namespace; a namespace that vanished meanwhile is skipped. */
    private void preexisting() throws KernelException {
        if (variant.iterators().isEmpty()) {
            return;
        }
        List<String> namespaces = env.namespaces().get();
        int walked = 0;
        for (String iterator : variant.iterators()) {
            for (String ns : namespaces) {
                try {
                    programs.runIterator(iterator, ns);
                    walked++;
                } catch (KernelException e) {
                    if (ns.equals(namespaces.get(0))) {
                        throw e;
                    }
                    LOG.debug("Skipped network namespace {}: {}", ns, e.getMessage());
                }
            }
        }
        LOG.debug("Walked {} namespace/iterator pairs for pre-existing connections", walked);
    }

    private void onClosed(java.nio.ByteBuffer buffer, int offset) {
        if (delivering) {
            EbpfView v = closedView.at(buffer, offset);
            if (wanted(v)) {
                context.closedConnections().offer(v);
            }
        }
    }

    private boolean wanted(EbpfView v) {
        CaptureSettings s = settings;
        return (v.isUdp() ? s.collectUdp() : s.collectTcp()) && (s.collectIpv6() || v.isIpv4());
    }

    @Override
    public void snapshot(ConnectionVisitor visitor) throws CaptureException {
        if (programs == null || !state.running()) {
            throw new CaptureException("eBPF backend is not started");
        }
        try {
            drainer.drainNow();
            programs.connections().forEach((buffer, offset) -> {
                EbpfView v = openView.at(buffer, offset);
                if (wanted(v) && !v.countedPerPeer()) {
                    visitor.visit(v);
                }
            });
            if (!variant.cgroupPrograms().isEmpty()) {
                programs.peers().forEach((buffer, offset) -> {
                    EbpfView v = openView.at(buffer, offset);
                    if (wanted(v)) {
                        visitor.visit(v);
                    }
                });
            }
            ringbufFull = programs.drops().total(DropCounters.RINGBUF_FULL);
            mapFull = programs.drops().total(DropCounters.MAP_FULL);
        } catch (KernelException e) {
            throw new CaptureException("cannot read connections: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (!state.running()) {
            return;
        }
        drainer.stop();
        try {
            drainer.drainNow();
        } catch (KernelException e) {
            LOG.warn("Last drain of closed connections failed: {}", e.getMessage());
        }
        delivering = false;
        state = new State(variant.label(), false, variant.cannotSee(), "stopped");
    }

    @Override
    public void close() {
        if (programs == null) {
            return;
        }
        stop();
        if (ring != null) {
            ring.close();
            ring = null;
        }
        closePrograms();
        unmountTracefs();
        state = new State(variant.label(), false, variant.cannotSee(), "closed: programs detached");
        LOG.info("eBPF capture closed: programs detached");
    }

    /** Unmounts tracefs if this backend mounted it; what was mounted before is left alone. */
    private void unmountTracefs() {
        if (!mountedTracefs) {
            return;
        }
        mountedTracefs = false;
        try {
            env.loader().unmountTracefs();
            LOG.info("Unmounted the tracefs it had mounted on /sys/kernel/tracing");
        } catch (KernelException e) {
            LOG.warn("Cannot unmount the tracefs it mounted on /sys/kernel/tracing: {}", e.getMessage());
        }
    }

    private void closePrograms() {
        programs.close();
        programs = null;
    }

    @Override
    public CaptureStatus status() {
        State s = state;
        Map<String, Long> drops = new LinkedHashMap<>();
        if (ringbufFull > 0) {
            drops.put("ringbuf_full", ringbufFull);
        }
        if (mapFull > 0) {
            drops.put("map_full", mapFull);
        }
        String error = drainer == null ? "" : drainer.lastError();
        return new CaptureStatus(NAME, s.variant(), s.running(), s.cannotSee(), drops,
                error.isEmpty() ? s.message() : error);
    }

    private CaptureException fail(String message) {
        state = new State("not loaded", false, List.of(), message);
        return new CaptureException(message);
    }

    private CaptureException fail(String message, Throwable cause) {
        state = new State("not loaded", false, List.of(), message);
        return new CaptureException(message, cause);
    }
}
