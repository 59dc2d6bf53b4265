package org.cartograph.capture.netlink.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The non-eBPF Linux capture backend: polls {@code NETLINK_SOCK_DIAG} (TCP with
 * {@code struct tcp_info}) in every network namespace each interval, and turns conntrack destroy
 * events into closed connections for those it never saw open. Group {@code linux}, preference 10:
 * the core runs it only where the eBPF backend cannot open (or when {@code mode} is {@code always}).
 *
 * <p>{@code open}, {@code start}, {@code snapshot}, {@code stop} and {@code close} run on one core
 * thread at a time; {@link #status()} and {@link #capabilities()} from any thread.
 */
@Component(configurationPid = NetlinkBackend.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = CaptureBackend.class)
@Designate(ocd = NetlinkBackend.Config.class)
public final class NetlinkBackend implements CaptureBackend {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.capture.netlink";
    /** The backend's name. */
    public static final String NAME = "netlink";
    /** The variant shown in status. */
    public static final String VARIANT = "sock_diag polling + conntrack destroy events";

    private static final Logger LOG = LoggerFactory.getLogger(NetlinkBackend.class);

    /** Configuration of the netlink fallback. */
    @ObjectClassDefinition(name = "Cartograph netlink capture backend (non-eBPF fallback)",
            description = "Polls sock_diag and listens to conntrack destroy events where eBPF cannot load.")
    public @interface Config {

        /** @return auto, always or never */
        @AttributeDefinition(name = "Mode", description = "auto: run only where eBPF cannot; always: prefer it "
                + "to eBPF; never: disabled.", options = {@Option(value = "auto"), @Option(value = "always"),
                        @Option(value = "never")})
        String mode() default "auto";

        /** @return whether every network namespace is watched */
        @AttributeDefinition(name = "All namespaces", description = "Watch every network namespace "
                + "(/proc/*/ns/net and /var/run/netns), not only the agent's.")
        boolean all_namespaces() default true;

        /** @return whether conntrack destroy events are used */
        @AttributeDefinition(name = "Conntrack destroy events", description = "Count connections that open and "
                + "close between two polls (and UDP) from conntrack destroy events; needs nf_conntrack_acct=1.")
        boolean conntrack() default true;

        /** @return milliseconds between scans of /proc for namespaces and socket owners */
        @AttributeDefinition(name = "Scan interval (ms)", description = "How often /proc is scanned for "
                + "network namespaces and socket owners.")
        int scan_interval_ms() default 2000;
    }

    private final String mode;
    private final boolean allNamespaces;
    private final boolean useConntrack;
    private final int scanMillis;
    private final Path proc;
    private final NetlinkOpener netlink;

    /** Confined to the core thread; set while open. */
    private NetlinkOpener opener;
    private SockDiagPoller poller;
    private ConntrackClosed conntrack;
    private Thread conntrackThread;
    private ScheduledExecutorService scanner;
    private CaptureContext context;
    private volatile Map<Long, Path> namespaces = Map.of();
    private volatile ProcessTable processes = ProcessTable.EMPTY;
    private volatile boolean wantProcessScan = true;
    private volatile boolean running;
    private volatile String message = "";
    private volatile int lastVisited;

    /**
     * @param config  the configuration
     * @param netlink the netlink service of {@code org.cartograph.linux.netlink}; shared, never closed here
     */
    @Activate
    public NetlinkBackend(Config config, @Reference NetlinkOpener netlink) {
        this(config, netlink, Path.of("/proc"));
    }

    NetlinkBackend(Config config, NetlinkOpener netlink, Path proc) {
        this.mode = config.mode() == null ? "auto" : config.mode().strip().toLowerCase(java.util.Locale.ROOT);
        this.allNamespaces = config.all_namespaces();
        this.useConntrack = config.conntrack();
        this.scanMillis = Math.max(100, config.scan_interval_ms());
        this.proc = proc;
        this.netlink = netlink;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String group() {
        return "linux";
    }

    /** @return 10, below eBPF's 100; 1000 with {@code mode=always} */
    @Override
    public int preference() {
        return "always".equals(mode) ? 1000 : 10;
    }

    @Override
    public CaptureCapabilities capabilities() {
        EnumSet<CaptureFeature> f = EnumSet.of(CaptureFeature.TCP, CaptureFeature.IPV6, CaptureFeature.PROCESS,
                CaptureFeature.RTT, CaptureFeature.RETRANSMITS, CaptureFeature.PREEXISTING_CONNECTIONS);
        if (allNamespaces) {
            f.add(CaptureFeature.ALL_NAMESPACES);
        }
        if (useConntrack) {
            f.add(CaptureFeature.UDP);
            f.add(CaptureFeature.CLOSED_CONNECTIONS);
            f.add(CaptureFeature.UNCONNECTED_UDP_PEERS);
        }
        return new CaptureCapabilities(f);
    }

    @Override
    public void open(CaptureContext captureContext) throws CaptureException {
        if (opener != null) {
            return;
        }
        if ("never".equals(mode)) {
            throw new CaptureException("the netlink fallback is disabled (mode=never)");
        }
        try {
            opener = netlink;
            context = captureContext;
            seen = new SeenTuples(Math.max(1024, captureContext.settings().maxTrackedConnections()));
            poller = new SockDiagPoller(opener, seen);
            namespaces = scanNamespaces();
            poller.watch(namespaces);
            if (poller.namespaces() == 0) {
                throw new CaptureException("cannot open a sock_diag netlink socket: " + poller.lastError());
            }
        } catch (RuntimeException e) {
            close();
            throw new CaptureException("netlink fallback cannot open: " + e.getMessage()
                    + " (needs root or CAP_NET_ADMIN and CAP_SYS_ADMIN for other namespaces)", e);
        } catch (CaptureException e) {
            close();
            throw e;
        }
    }

    private SeenTuples seen;

    private Map<Long, Path> scanNamespaces() {
        Map<Long, Path> all = new LinkedHashMap<>();
        all.put(opener.ownNetns(), proc.resolve("self/ns/net"));
        if (allNamespaces) {
            opener.namespaces().forEach(all::putIfAbsent);
        }
        return Map.copyOf(all);
    }

    @Override
    public void start() throws CaptureException {
        if (opener == null) {
            throw new CaptureException("not open");
        }
        if (running) {
            return;
        }
        scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cartograph-netlink-scan");
            t.setDaemon(true);
            return t;
        });
        scanner.scheduleWithFixedDelay(this::scan, 0, scanMillis, TimeUnit.MILLISECONDS);
        if (useConntrack) {
            conntrack = new ConntrackClosed(opener, seen, poller, context.closedConnections(), () -> namespaces);
            conntrackThread = new Thread(conntrack, "cartograph-netlink-conntrack");
            conntrackThread.setDaemon(true);
            conntrackThread.start();
        }
        running = true;
        message = "watching " + poller.namespaces() + " network namespaces";
        LOG.info("netlink capture started: {}", message);
    }

    private void scan() {
        try {
            Map<Long, Path> found = scanNamespaces();
            if (!found.equals(namespaces)) {
                namespaces = found;
            }
            if (wantProcessScan) {
                wantProcessScan = false;
                processes = ProcessTable.scan(proc);
            }
            seen.forgetOlderThan(context.clock().millis() - 600_000);
        } catch (RuntimeException e) {
            message = "scan failed: " + e.getMessage();
        }
    }

    @Override
    public void snapshot(ConnectionVisitor visitor) throws CaptureException {
        if (!running) {
            throw new CaptureException("not started");
        }
        poller.watch(namespaces);
        try {
            lastVisited = poller.snapshot(visitor, processes, context.settings().collectUdp() && useConntrack,
                    context.settings().collectIpv6(), context.clock().millis());
        } catch (NetlinkException e) {
            message = "sock_diag: " + e.getMessage();
            throw new CaptureException(message, e);
        }
        if (poller.unknownInodes()) {
            wantProcessScan = true;
        }
    }

    @Override
    public void stop() {
        running = false;
        if (conntrack != null) {
            conntrack.stop();
        }
        if (conntrackThread != null) {
            try {
                conntrackThread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            conntrackThread = null;
        }
        if (scanner != null) {
            scanner.shutdownNow();
            scanner = null;
        }
    }

    @Override
    public void close() {
        stop();
        if (poller != null) {
            poller.close();
            poller = null;
        }
        opener = null;
        conntrack = null;
    }

    /** Stops everything when the component goes away. */
    @Deactivate
    void deactivate() {
        close();
    }

    @Override
    public CaptureStatus status() {
        List<String> blind = new ArrayList<>(List.of(
                "no pid, process, retransmits or RTT for connections that opened and closed between two polls "
                        + "(they are known only from conntrack destroy events)",
                "bytes of connections known only from conntrack are wire bytes (IP and transport headers "
                        + "included), not application bytes; they need net.netfilter.nf_conntrack_acct=1 and "
                        + "conntrack active in the namespace (a NAT or conntrack rule), and arrive when conntrack "
                        + "expires the entry (TCP TIME_WAIT: nf_conntrack_tcp_timeout_time_wait)",
                "UDP only from conntrack destroy events (sock_diag has no UDP byte counters): no live UDP "
                        + "counters, no pid",
                "bytes sent after the last poll of a connection that then closed are not counted; its close "
                        + "(and a reset) is reported only when conntrack destroys its entry",
                "TCP failures by errno only from conntrack (refused 111, reset 104, SYN timeout 110), when its "
                        + "entry is destroyed; no unreachable (113/101): sock_diag does not see failed connects",
                "no cgroup id",
                "direction is inferred: a connection whose local port listens is incoming, else outgoing",
                "a network namespace is watched from the first /proc scan after it appears (scan_interval_ms): "
                        + "connections of a namespace that lives shorter than that are not seen"));
        if (!allNamespaces) {
            blind.add("only the agent's own network namespace");
        }
        if (!useConntrack) {
            blind.add("no connections that open and close between two polls, no UDP (conntrack disabled)");
        }
        Map<String, Long> drops = new LinkedHashMap<>();
        ConntrackClosed c = conntrack;
        if (c != null) {
            drops.put("conntrack_enobufs", c.overruns());
            drops.put("conntrack_errors", c.errors());
        }
        String m = message;
        if (c != null && !c.lastError().isEmpty()) {
            m = m + "; conntrack: " + c.lastError();
        }
        return new CaptureStatus(NAME, VARIANT, running, blind, drops, m);
    }

    /** @return connections visited by the last snapshot; for tests */
    int lastVisited() {
        return lastVisited;
    }

    /** @return closed connections reported from conntrack, and destroy events skipped as already seen */
    long[] conntrackCounters() {
        ConntrackClosed c = conntrack;
        return c == null ? new long[2] : new long[] {c.reported(), c.duplicates()};
    }
}
