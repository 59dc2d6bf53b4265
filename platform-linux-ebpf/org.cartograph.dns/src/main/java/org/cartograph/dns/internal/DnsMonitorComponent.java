package org.cartograph.dns.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.cartograph.capture.DnsMonitor;
import org.cartograph.dns.internal.ffm.LinuxDnsSockets;
import org.cartograph.enrich.FlowAnnotator;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
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
 * DNS monitoring on Linux: captures DNS packets in every network namespace (see
 * {@link DnsCapture}), publishes per-interval statistics as a {@link DnsMonitor}, names flows by
 * their remote address from the reverse DNS cache as a {@link FlowAnnotator}, and reports its
 * counters as a {@link StatusContributor}. Runs without configuration with the system-probe
 * defaults; a failure to open sockets (no CAP_NET_RAW) is reported in status, not thrown.
 * {@link #collect}, {@link #annotate} and {@link #status} are quick, non-blocking and never throw.
 */
@Component(configurationPid = DnsMonitorComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {DnsMonitor.class, FlowAnnotator.class, StatusContributor.class})
@Designate(ocd = DnsMonitorComponent.Config.class)
public final class DnsMonitorComponent implements DnsMonitor, FlowAnnotator, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.dns";
    /** The name shown in status. */
    public static final String NAME = "dns";
    private static final Logger LOG = LoggerFactory.getLogger(DnsMonitorComponent.class);

    /** Configuration; attribute names map {@code _} to {@code .} (e.g. {@code dns.timeout.in.s}). */
    @ObjectClassDefinition(name = "Cartograph DNS monitor",
            description = "Captures DNS traffic on raw packet sockets: per-domain statistics and a reverse DNS cache.")
    public @interface Config {

        /** @return whether statistics are kept */
        @AttributeDefinition(name = "Collect DNS statistics")
        boolean collect_dns_stats() default true;

        /** @return whether statistics are keyed by domain */
        @AttributeDefinition(name = "Collect DNS domains", description = "Key statistics by queried domain; otherwise one entry per client and server.")
        boolean collect_dns_domains() default true;

        /** @return seconds after which an unanswered query is a timeout */
        @AttributeDefinition(name = "DNS timeout (s)", min = "1", max = "300")
        int dns_timeout_in_s() default 15;

        /** @return most statistics keys per interval */
        @AttributeDefinition(name = "Max DNS statistics", min = "1")
        int max_dns_stats() default 20000;

        /** @return whether queries to loopback resolvers count */
        @AttributeDefinition(name = "Collect local DNS", description = "Also count queries to resolvers on loopback addresses.")
        boolean collect_local_dns() default false;

        /** @return query types recorded; empty means all */
        @AttributeDefinition(name = "Recorded query types", description = "e.g. A, AAAA; empty means all.")
        String[] dns_recorded_query_types() default {};

        /** @return DNS server ports */
        @AttributeDefinition(name = "DNS ports", description = "Server ports whose traffic is DNS (at most 32).")
        int[] dns_monitoring_ports() default {53};

        /** @return most queries waiting for an answer */
        @AttributeDefinition(name = "Max pending DNS queries", min = "1")
        int dns_max_pending() default 65536;

        /** @return most addresses in the reverse cache */
        @AttributeDefinition(name = "Reverse DNS cache size", min = "1")
        int dns_reverse_cache_size() default 100000;

        /** @return seconds a reverse entry outlives its record's TTL */
        @AttributeDefinition(name = "Reverse DNS grace (s)", min = "0")
        int dns_reverse_grace_in_s() default 300;

        /** @return whether other network namespaces are watched */
        @AttributeDefinition(name = "Watch all network namespaces",
                description = "Also capture in named namespaces and those of running processes (containers).")
        boolean dns_watch_namespaces() default true;

        /** @return seconds between namespace scans */
        @AttributeDefinition(name = "Namespace scan period (s)", min = "1")
        int dns_namespace_refresh_in_s() default 10;

        /** @return most DNS-over-TCP streams reassembled at once */
        @AttributeDefinition(name = "Max DNS-over-TCP streams", min = "1",
                description = "TCP streams to or from a DNS port held for reassembly (up to 64 KiB each); the "
                        + "least recently used gives way (counted).")
        int dns_tcp_max_streams() default 1024;
    }

    private final boolean collectStats;
    private final ReverseCache reverse;
    private final DnsEngine engine;
    private final LinuxDnsSockets sockets;
    private final DnsCapture capture;
    private final Instant since = Instant.now();
    private final String settingsText;

    /** @param config the configuration */
    @Activate
    public DnsMonitorComponent(Config config) {
        this(config, new NamespaceScanner(Path.of("/proc"), Path.of("/var/run/netns"), config.dns_watch_namespaces()));
    }

    /**
     * @param config  the configuration
     * @param scanner finds namespaces (tests narrow it to their own)
     */
    public DnsMonitorComponent(Config config, NamespaceSource scanner) {
        DnsSettings settings = settings(config);
        this.collectStats = settings.collectStats();
        this.reverse = new ReverseCache(settings.reverseCacheSize(), settings.reverseGraceNanos());
        this.engine = new DnsEngine(settings, reverse);
        this.sockets = new LinuxDnsSockets();
        this.settingsText = "ports=" + java.util.Arrays.toString(settings.ports()) + " timeout_s="
                + config.dns_timeout_in_s();
        this.capture = new DnsCapture(sockets, engine, reverse, scanner, settings.ports(), Math.max(1, config.dns_namespace_refresh_in_s()) * 1000L);
        LOG.info("DNS monitor started ({})", settingsText);
    }

    static DnsSettings settings(Config c) {
        List<Integer> types = new ArrayList<>();
        for (String t : c.dns_recorded_query_types()) {
            if (t == null || t.isBlank()) {
                continue;
            }
            int n = DnsNames.typeNumber(t);
            if (n < 0) {
                LOG.warn("unknown DNS query type '{}' in dns.recorded.query.types, ignored", t);
            } else {
                types.add(n);
            }
        }
        int[] ports = c.dns_monitoring_ports().length == 0 ? new int[] {53} : c.dns_monitoring_ports();
        if (ports.length > SocketFilter.MAX_PORTS) {
            LOG.warn("{} DNS ports configured, only the first {} are watched", ports.length, SocketFilter.MAX_PORTS);
            ports = java.util.Arrays.copyOf(ports, SocketFilter.MAX_PORTS);
        }
        return new DnsSettings(c.collect_dns_stats(), c.collect_dns_domains(),
                Math.max(1, c.dns_timeout_in_s()) * 1_000_000_000L, Math.max(1, c.max_dns_stats()),
                Math.max(1, c.dns_max_pending()), c.collect_local_dns(),
                types.stream().mapToInt(Integer::intValue).toArray(), ports,
                Math.max(1, c.dns_reverse_cache_size()), Math.max(0, c.dns_reverse_grace_in_s()) * 1_000_000_000L,
                Math.max(1, c.dns_tcp_max_streams()));
    }

    @Deactivate
    void deactivate() {
        capture.close();
        sockets.close();
        LOG.info("DNS monitor stopped");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<DnsStats> collect() {
        try {
            List<DnsStats> out = engine.collect();
            return collectStats ? out : List.of();
        } catch (RuntimeException e) {
            LOG.warn("DNS statistics lost this interval: {}", e.toString());
            return List.of();
        }
    }

    @Override
    public Flow annotate(Flow flow) {
        try {
            IpAddress remote = flow.key().remoteAddress();
            List<String> names = reverse.lookup(remote.high(), remote.low(), DnsCapture.wallNanos());
            if (names.isEmpty() || names.equals(flow.dnsNames())) {
                return flow;
            }
            return flow.withDnsNames(names);
        } catch (RuntimeException e) {
            return flow;
        }
    }

    /** @return the reverse cache's names for an address (tests, console) */
    public List<String> namesOf(IpAddress address) {
        return reverse.lookup(address.high(), address.low(), DnsCapture.wallNanos());
    }

    @Override
    public List<ComponentStatus> status() {
        Map<String, Long> counters = new LinkedHashMap<>(engine.counters());
        counters.putAll(capture.counters());
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("variant", "af_packet+classic_bpf");
        attributes.put("settings", settingsText);
        attributes.put("namespaces", capture.watched().values().stream()
                .map(w -> w.inode() + "=" + w.where()).collect(Collectors.joining(", ")));
        Map<String, String> failures = capture.failures();
        if (!failures.isEmpty()) {
            attributes.put("namespace_failures", failures.entrySet().stream().limit(10)
                    .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; ")));
        }
        attributes.put("limits", "TCP: only segments holding a whole DNS message; IPv6: no extension headers; "
                + "IPv4: no fragments");
        String ownError = capture.ownNamespaceError();
        Health health;
        String message;
        if (ownError != null) {
            health = counters.get("namespaces_watched") > 0 ? Health.DEGRADED : Health.DOWN;
            message = "cannot capture DNS in the agent's namespace: " + ownError;
        } else if (!capture.scanned()) {
            health = Health.STARTING;
            message = "opening packet sockets";
        } else if (!failures.isEmpty()) {
            health = Health.DEGRADED;
            message = failures.size() + " namespace(s) not watched";
        } else {
            health = Health.OK;
            message = "";
        }
        return List.of(new ComponentStatus(NAME, health, message, counters, attributes, since));
    }
}
