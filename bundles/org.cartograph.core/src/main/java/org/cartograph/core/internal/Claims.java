package org.cartograph.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.cartograph.metadata.WorkloadEntity;

/**
 * Which entities claim a key (an address, a pid, a container id, a network namespace). Several
 * providers may claim one key — Docker and ECS both name an ECS-on-EC2 container — and removing
 * one claim leaves the others. Writers are serialised by the store; reads are lock-free and
 * return immutable lists, in the order the claims were made.
 *
 * @param <K> the key type
 */
final class Claims<K> {

    private final Map<K, List<WorkloadEntity>> byKey = new ConcurrentHashMap<>();

    /** Adds (or replaces, for the same entity id) the entity's claim on the key. */
    void add(K key, WorkloadEntity e) {
        byKey.compute(key, (k, list) -> {
            if (list == null) {
                return List.of(e);
            }
            List<WorkloadEntity> l = new ArrayList<>(list.size() + 1);
            for (WorkloadEntity x : list) {
                if (!x.id().equals(e.id())) {
                    l.add(x);
                }
            }
            l.add(e);
            return List.copyOf(l);
        });
    }

    /** Removes the claim of the entity with this one's id on the key, if any. */
    void remove(K key, WorkloadEntity e) {
        byKey.computeIfPresent(key, (k, list) -> {
            List<WorkloadEntity> l = list.stream().filter(x -> !x.id().equals(e.id())).toList();
            return l.isEmpty() ? null : l;
        });
    }

    /** @return every entity claiming the key, oldest claim first; empty if none */
    List<WorkloadEntity> all(K key) {
        List<WorkloadEntity> l = byKey.get(key);
        return l == null ? List.of() : l;
    }

    /** @return the oldest claim on the key, or null */
    WorkloadEntity first(K key) {
        List<WorkloadEntity> l = byKey.get(key);
        return l == null ? null : l.getFirst();
    }
}
