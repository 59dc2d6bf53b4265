package org.cartograph.core.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.IpPrefix;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadMetadataProvider;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.metadata.WorkloadWriter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one workload store: providers write through a {@link WorkloadWriter} bound to their name,
 * taggers read by address, prefix, pid, container id or netns. Writes are serialised; every read
 * is lock-free and allocation-free: hash lookups of immutable lists, and a persistent prefix trie.
 */
@Component(service = WorkloadStore.class)
public final class WorkloadStoreImpl implements WorkloadStore {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadStoreImpl.class);

    private final Map<EntityId, WorkloadEntity> entities = new ConcurrentHashMap<>();
    private final Claims<IpAddress> byAddress = new Claims<>();
    private final Claims<Integer> byPid = new Claims<>();
    private final Claims<String> byContainer = new Claims<>();
    private final Claims<Long> byNetns = new Claims<>();
    /** Replaced as a whole by writers (who hold this store's lock); read without a lock. */
    private volatile PrefixTrie<WorkloadEntity> prefixes = PrefixTrie.empty();
    private final Map<WorkloadMetadataProvider, String> providers = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProvider(WorkloadMetadataProvider provider) {
        String source = provider.name();
        providers.put(provider, source);
        try {
            provider.start(new Writer(source));
        } catch (RuntimeException e) {
            LOG.error("metadata provider {} failed to start", source, e);
        }
    }

    void removeProvider(WorkloadMetadataProvider provider) {
        String source = providers.remove(provider);
        try {
            provider.stop();
        } catch (RuntimeException e) {
            LOG.warn("metadata provider {} failed to stop: {}", source, e.toString());
        }
        if (source != null) {
            replaceAll(source, List.of());
        }
    }

    @Deactivate
    void deactivate() {
        providers.keySet().forEach(this::removeProvider);
    }

    synchronized void put(WorkloadEntity e) {
        WorkloadEntity old = entities.put(e.id(), e);
        if (old != null) {
            unindex(old);
        }
        index(e);
    }

    synchronized void remove(EntityId id) {
        WorkloadEntity old = entities.remove(id);
        if (old != null) {
            unindex(old);
        }
    }

    synchronized void replaceAll(String source, Collection<WorkloadEntity> fresh) {
        Set<EntityId> keep = new HashSet<>();
        for (WorkloadEntity e : fresh) {
            if (!e.source().equals(source)) {
                throw new IllegalArgumentException("provider " + source + " cannot write an entity of " + e.source());
            }
            keep.add(e.id());
        }
        for (WorkloadEntity e : List.copyOf(entities.values())) {
            if (e.source().equals(source) && !keep.contains(e.id())) {
                remove(e.id());
            }
        }
        fresh.forEach(this::put);
    }

    private void index(WorkloadEntity e) {
        e.addresses().forEach(a -> byAddress.add(a, e));
        e.pids().forEach(p -> byPid.add(p, e));
        e.containerIds().forEach(c -> byContainer.add(c, e));
        e.netns().forEach(n -> byNetns.add(n, e));
        PrefixTrie<WorkloadEntity> trie = prefixes;
        for (IpPrefix p : e.prefixes()) {
            trie = trie.put(p, e);
        }
        prefixes = trie;
    }

    private void unindex(WorkloadEntity e) {
        e.addresses().forEach(a -> byAddress.remove(a, e));
        e.pids().forEach(p -> byPid.remove(p, e));
        e.containerIds().forEach(c -> byContainer.remove(c, e));
        e.netns().forEach(n -> byNetns.remove(n, e));
        PrefixTrie<WorkloadEntity> trie = prefixes;
        for (IpPrefix p : e.prefixes()) {
            trie = trie.remove(p, v -> v.id().equals(e.id()));
        }
        prefixes = trie;
    }

    @Override
    public Optional<WorkloadEntity> get(EntityId id) {
        return Optional.ofNullable(entities.get(id));
    }

    @Override
    public List<WorkloadEntity> byAddress(IpAddress ip) {
        return byAddress.all(ip);
    }

    @Override
    public Optional<WorkloadEntity> byPrefix(IpAddress ip) {
        return Optional.ofNullable(prefixes.longestMatch(ip));
    }

    @Override
    public Optional<WorkloadEntity> byPid(int pid) {
        return Optional.ofNullable(byPid.first(pid));
    }

    @Override
    public Optional<WorkloadEntity> byContainerId(String containerId) {
        return Optional.ofNullable(byContainer.first(containerId));
    }

    @Override
    public List<WorkloadEntity> allByContainerId(String containerId) {
        return byContainer.all(containerId);
    }

    @Override
    public Optional<WorkloadEntity> byNetns(long netns) {
        return Optional.ofNullable(byNetns.first(netns));
    }

    @Override
    public int size() {
        return entities.size();
    }

    private final class Writer implements WorkloadWriter {
        private final String source;

        Writer(String source) {
            this.source = source;
        }

        @Override
        public void put(WorkloadEntity entity) {
            if (!entity.source().equals(source)) {
                throw new IllegalArgumentException("provider " + source + " cannot write an entity of " + entity.source());
            }
            WorkloadStoreImpl.this.put(entity);
        }

        @Override
        public void remove(EntityId id) {
            WorkloadEntity e = entities.get(id);
            if (e != null && e.source().equals(source)) {
                WorkloadStoreImpl.this.remove(id);
            }
        }

        @Override
        public void replaceAll(Collection<WorkloadEntity> fresh) {
            WorkloadStoreImpl.this.replaceAll(source, fresh);
        }
    }
}
