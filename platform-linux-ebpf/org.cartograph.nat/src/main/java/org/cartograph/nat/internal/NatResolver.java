package org.cartograph.nat.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.FlowAnnotator;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.Flow;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NAT resolution from conntrack: watches every network namespace's conntrack table over
 * {@code NETLINK_NETFILTER} (dump, then NEW/UPDATE/DESTROY events, resync on ENOBUFS) and
 * annotates each flow whose tuple was translated (DNAT, REDIRECT, SNAT) with the tuple on the
 * other side of the translation. {@link #annotate} is a lock-free map lookup on the pipeline
 * thread; {@link #status()} is callable from any thread.
 */
@Component(configurationPid = NatResolver.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {FlowAnnotator.class, StatusContributor.class})
@Designate(ocd = NatResolver.Config.class)
public final class NatResolver implements FlowAnnotator, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.nat";

    private static final Logger LOG = LoggerFactory.getLogger(NatResolver.class);

    /** Configuration of NAT resolution. */
    @ObjectClassDefinition(name = "Cartograph NAT resolution (conntrack)",
            description = "Reports the translated tuple of NATed connections from conntrack.")
    public @interface Config {

        /** @return whether conntrack is watched */
        @AttributeDefinition(name = "Enable conntrack", description = "Resolve NAT through conntrack.")
        boolean enable_conntrack() default true;

        /** @return most translated conntrack entries kept */
        @AttributeDefinition(name = "Max state size", description = "Most translated conntrack entries kept; "
                + "a full table evicts (counted).")
        int conntrack_max_state_size() default 65536;

        /** @return whether every network namespace is watched */
        @AttributeDefinition(name = "All namespaces", description = "Watch conntrack in every network namespace "
                + "(/proc/*/ns/net and /var/run/netns), not only the agent's.")
        boolean all_namespaces() default true;

        /** @return kernel receive buffer per conntrack socket */
        @AttributeDefinition(name = "Receive buffer (bytes)", description = "Kernel receive buffer per conntrack "
                + "event socket; a larger one makes ENOBUFS resyncs rarer.")
        int receive_buffer_bytes() default 4 * 1024 * 1024;
    }

    private final boolean enabled;
    private final NatTable table;
    private final Path proc;
    private final boolean allNamespaces;
    private final NetlinkOpener opener;
    private final ConntrackWatcher watcher;
    private final Thread thread;
    private final Instant since = Instant.now();

    /**
     * @param config the configuration
     * @param opener the netlink service of {@code org.cartograph.linux.netlink}; shared, never closed here
     */
    @Activate
    public NatResolver(Config config, @Reference NetlinkOpener opener) {
        this(config, opener, Path.of("/proc"));
    }

    NatResolver(Config config, NetlinkOpener opener, Path proc) {
        this.enabled = config.enable_conntrack();
        this.table = new NatTable(config.conntrack_max_state_size());
        this.proc = proc;
        this.allNamespaces = config.all_namespaces();
        this.opener = opener;
        ConntrackWatcher w = null;
        Thread t = null;
        if (enabled) {
            w = new ConntrackWatcher(opener, table, this::namespaces, config.receive_buffer_bytes(), 30_000, 2_000);
            t = new Thread(w, "cartograph-nat-conntrack");
            t.setDaemon(true);
            t.start();
            LOG.info("NAT resolution from conntrack started");
        }
        this.watcher = w;
        this.thread = t;
    }

    private Map<Long, Path> namespaces() {
        Map<Long, Path> all = new LinkedHashMap<>();
        all.put(opener.ownNetns(), proc.resolve("self/ns/net"));
        if (allNamespaces) {
            opener.namespaces().forEach(all::putIfAbsent);
        }
        return all;
    }

    @Override
    public String name() {
        return "nat.conntrack";
    }

    /** @return the flow with {@link Flow#withNat} set when conntrack translated its tuple; never throws */
    @Override
    public Flow annotate(Flow flow) {
        if (!enabled || flow.nat() != null) {
            return flow;
        }
        ConnectionKey key = flow.key();
        if (key.netns() == 0) {
            key = new ConnectionKey(key.protocol(), key.localAddress(), key.localPort(), key.remoteAddress(),
                    key.remotePort(), opener.ownNetns());
        }
        ConnectionKey translated = table.translate(key);
        return translated == null ? flow : flow.withNat(translated);
    }

    /** @return whether every watched namespace's table has been read once; for tests */
    boolean synced() {
        return watcher != null && watcher.synced();
    }

    @Override
    public List<ComponentStatus> status() {
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("entries", (long) table.size());
        counters.put("evictions", table.evictions());
        counters.put("resyncs", watcher == null ? 0 : watcher.resyncs());
        counters.put("errors", watcher == null ? 0 : watcher.errors());
        counters.put("events", watcher == null ? 0 : watcher.events());
        Health health;
        String message;
        if (!enabled) {
            health = Health.OK;
            message = "disabled (enable.conntrack=false)";
        } else if (!watcher.lastError().isEmpty()) {
            health = Health.DEGRADED;
            message = watcher.lastError();
        } else {
            health = watcher.synced() ? Health.OK : Health.STARTING;
            message = "";
        }
        return List.of(new ComponentStatus("nat.conntrack", health, message, counters,
                Map.of("source", "conntrack netlink", "all_namespaces", Boolean.toString(allNamespaces)), since));
    }

    /** Stops the conntrack thread and releases its sockets (the opener is the netlink bundle's). */
    @Deactivate
    void deactivate() {
        if (watcher != null) {
            watcher.stop();
        }
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
