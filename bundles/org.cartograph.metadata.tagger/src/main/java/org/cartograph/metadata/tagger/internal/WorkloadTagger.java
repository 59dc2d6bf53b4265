package org.cartograph.metadata.tagger.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.enrich.FlowTagger;
import org.cartograph.enrich.TagCollector;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names both ends of a flow from the workload store. Local end: the entity running the flow's pid
 * (a container's main process), else the container whose id is in the pid's cgroup path, else the
 * socket's network namespace: the container whose processes live in it, or the common parent (the
 * pod) of several, as learned from {@code /proc}, else the entity the store says owns that
 * namespace (when several unrelated containers share it: only if it is none of them); else the
 * one owning the local address; then that entity's parents (container → pod),
 * and the host entity ({@value #HOST_KIND}/{@value #HOST_ID}: cloud provider, region, zone).
 * Remote end: every entity owning the remote address (and the NAT-translated one: a ClusterIP's
 * pod), else the longest cloud prefix.
 *
 * <p>{@link #tag} runs on the pipeline thread: hash and trie lookups only. Cgroup files and
 * {@code /proc} scans are read by the tagger's own thread ({@value #THREAD}); a pid seen for the
 * first time is attributed by cgroup from the next interval on, a namespace seen for the first
 * time about a second later.
 */
@Component(configurationPid = WorkloadTagger.PID, service = {FlowTagger.class, StatusContributor.class})
@Designate(ocd = WorkloadTagger.Config.class)
public final class WorkloadTagger implements FlowTagger, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.metadata.tagger";
    /** The tagger's {@link #name()}. */
    public static final String NAME = "workload";
    /** The name of the cgroup resolver thread. */
    public static final String THREAD = "cartograph-metadata-tagger";
    /** Kind of the entity describing this host; its tags go to the local end of every flow. */
    public static final String HOST_KIND = "host";
    /** Id of the entity describing this host. */
    public static final String HOST_ID = "local";

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadTagger.class);
    private static final EntityId HOST = new EntityId(HOST_KIND, HOST_ID);
    private static final int MAX_PARENTS = 4;
    /** Least time between two /proc scans asked for by flows in namespaces not seen yet. */
    private static final long NETNS_MIN_RESCAN_MS = 1000;
    /** {@link #sharedOwner} found containers in a namespace but no single entity to name. */
    private static final WorkloadEntity AMBIGUOUS = new WorkloadEntity(new EntityId("", ""), "", null, null, null,
            null, null, null, null);

    /** Configuration of the workload tagger. */
    @ObjectClassDefinition(name = "Cartograph workload tagger",
            description = "Tags flows with container, pod, service, task and cloud names from the workload store.")
    public @interface Config {

        /** @return where the host's /proc is mounted */
        @AttributeDefinition(name = "proc root", description = "Where the host's /proc is mounted.")
        String proc_root() default "/proc";

        /** @return bound on cached pids, and on network namespaces held */
        @AttributeDefinition(name = "Pid cache size", min = "16",
                description = "Pids whose container is cached; also the bound on network namespaces held.")
        int pid_cache_size() default 65_536;

        /** @return how often cached pids are re-read and the namespace table rebuilt */
        @AttributeDefinition(name = "Pid refresh (ms)", min = "100",
                description = "Cached pids are re-read, and network namespace → container rebuilt from /proc, this "
                        + "often; exited ones are forgotten.")
        int pid_refresh_ms() default 30_000;
    }

    private final WorkloadStore store;
    private final PidContainers pids;
    private final NetnsContainers netns;
    private final Thread resolver;
    private final AtomicLong localHits = new AtomicLong();
    private final Instant since = Instant.now();

    /**
     * @param store  the workload store
     * @param config the tagger's configuration
     */
    @Activate
    public WorkloadTagger(@Reference WorkloadStore store, Config config) {
        this.store = store;
        this.pids = new PidContainers(Path.of(config.proc_root()), Math.max(16, config.pid_cache_size()),
                Math.max(100, config.pid_refresh_ms()));
        this.netns = new NetnsContainers(Path.of(config.proc_root()), Math.max(16, config.pid_cache_size()),
                Math.max(100, config.pid_refresh_ms()), NETNS_MIN_RESCAN_MS);
        this.resolver = new Thread(() -> pids.runResolver(netns::scanIfDue), THREAD);
        resolver.setDaemon(true);
        resolver.start();
        LOG.debug("workload tagger reading cgroups under {}", config.proc_root());
    }

    /** Stops the resolver thread. */
    @Deactivate
    public void deactivate() {
        resolver.interrupt();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void tag(Flow flow, TagCollector local, TagCollector remote) {
        ConnectionKey key = flow.key();
        WorkloadEntity self = localEntity(flow, key);
        if (self != null) {
            addWithParents(self, local);
        }
        Optional<WorkloadEntity> host = store.get(HOST);
        if (host.isPresent()) {
            local.addAll(host.get().tags());
        }
        IpAddress remoteIp = key.remoteAddress();
        boolean named = addOwners(remoteIp, remote);
        ConnectionKey nat = flow.nat();
        if (nat != null && !nat.remoteAddress().equals(remoteIp)) {
            named |= addOwners(nat.remoteAddress(), remote);
        }
        if (!named && !remoteIp.isLoopback()) {
            Optional<WorkloadEntity> range = store.byPrefix(remoteIp);
            if (range.isPresent()) {
                remote.addAll(range.get().tags());
            }
        }
    }

    private WorkloadEntity localEntity(Flow flow, ConnectionKey key) {
        int pid = flow.pid();
        if (pid > 0) {
            Optional<WorkloadEntity> byPid = store.byPid(pid);
            if (byPid.isPresent()) {
                localHits.incrementAndGet();
                return byPid.get();
            }
            String containerId = pids.lookup(pid);
            if (containerId != null && !containerId.isEmpty()) {
                Optional<WorkloadEntity> c = store.byContainerId(containerId);
                if (c.isPresent()) {
                    localHits.incrementAndGet();
                    return c.get();
                }
            }
        }
        if (key.netns() != 0) {
            String[] ids = netns.lookup(key.netns());
            WorkloadEntity owner = ids == null ? null : sharedOwner(ids);
            if (owner != null && owner != AMBIGUOUS) {
                return owner;
            }
            Optional<WorkloadEntity> ns = store.byNetns(key.netns());
            if (ns.isPresent() && (owner == null || !claimsAny(ns.get(), ids))) {
                return ns.get();
            }
            if (owner == AMBIGUOUS) {
                return null;
            }
        }
        if (!key.localAddress().isLoopback()) {
            List<WorkloadEntity> owners = store.byAddress(key.localAddress());
            if (!owners.isEmpty()) {
                return owners.get(0);
            }
        }
        return null;
    }

    /**
     * Names the entity behind the containers of one network namespace: the container itself
     * when the store knows one of them, their common parent (the pod) when it knows several. A
     * container claimed by several providers counts once, by the claim that has a parent.
     *
     * @return the entity, {@link #AMBIGUOUS} when several known containers have no common
     *         parent, or null when the store knows none of them
     */
    private WorkloadEntity sharedOwner(String[] ids) {
        WorkloadEntity first = null;
        boolean several = false;
        for (String id : ids) {
            WorkloadEntity e = claimer(id);
            if (e == null) {
                continue;
            }
            if (first == null) {
                first = e;
            } else if (!e.id().equals(first.id())) {
                several = true;
                if (e.parent() == null || !e.parent().equals(first.parent())) {
                    return AMBIGUOUS;
                }
            }
        }
        if (!several) {
            return first;
        }
        return first.parent() == null ? AMBIGUOUS : store.get(first.parent()).orElse(AMBIGUOUS);
    }

    /** @return whether the entity stands for one of the containers */
    private static boolean claimsAny(WorkloadEntity e, String[] containerIds) {
        for (String id : containerIds) {
            if (e.containerIds().contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** @return the entity claiming a container id that has a parent (a pod), else the oldest claim, else null */
    private WorkloadEntity claimer(String containerId) {
        List<WorkloadEntity> all = store.allByContainerId(containerId);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).parent() != null) {
                return all.get(i);
            }
        }
        return all.isEmpty() ? null : all.get(0);
    }

    private boolean addOwners(IpAddress ip, TagCollector out) {
        if (ip.isLoopback()) {
            return false;
        }
        List<WorkloadEntity> owners = store.byAddress(ip);
        for (int i = 0; i < owners.size(); i++) {
            addWithParents(owners.get(i), out);
        }
        return !owners.isEmpty();
    }

    private void addWithParents(WorkloadEntity entity, TagCollector out) {
        WorkloadEntity e = entity;
        for (int depth = 0; e != null && depth <= MAX_PARENTS; depth++) {
            out.addAll(e.tags());
            EntityId parent = e.parent();
            e = parent == null ? null : store.get(parent).orElse(null);
        }
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of(new ComponentStatus("metadata.tagger", Health.OK, "",
                Map.of("cached_pids", (long) pids.size(), "cgroup_reads", pids.resolvedCount(),
                        "pid_cache_overflow", pids.overflowCount(), "local_hits", localHits.get(),
                        "entities", (long) store.size(), "container_netns", (long) netns.size(),
                        "netns_scans", netns.scanCount(), "netns_overflow", netns.overflowCount()),
                Map.of(), since));
    }
}
