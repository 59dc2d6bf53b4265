package org.cartograph.metadata;

import java.util.Objects;
import java.util.Set;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;

/**
 * Something flows can be attributed to: a container, pod, service, ECS task, cloud range, ...
 * with the keys the store indexes it by.
 *
 * @param id           identity
 * @param source       the provider that owns it (e.g. {@code docker}); a provider replaces only its own entities
 * @param tags         tags flows get when attributed to it
 * @param addresses    IP addresses it owns (container, pod or service addresses); unmodifiable
 * @param prefixes     address blocks it owns (cloud ranges); unmodifiable
 * @param pids         process ids running in it; unmodifiable
 * @param containerIds container ids (64 hex) it stands for; unmodifiable
 * @param netns        network namespace inodes it owns; unmodifiable
 * @param parent       the entity it belongs to (a container's pod), or null
 */
public record WorkloadEntity(EntityId id, String source, TagSet tags, Set<IpAddress> addresses,
                             Set<IpPrefix> prefixes, Set<Integer> pids, Set<String> containerIds, Set<Long> netns,
                             EntityId parent) {

    /** Checks required parts and copies sets. */
    public WorkloadEntity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        tags = tags == null ? TagSet.EMPTY : tags;
        addresses = addresses == null ? Set.of() : Set.copyOf(addresses);
        prefixes = prefixes == null ? Set.of() : Set.copyOf(prefixes);
        pids = pids == null ? Set.of() : Set.copyOf(pids);
        containerIds = containerIds == null ? Set.of() : Set.copyOf(containerIds);
        netns = netns == null ? Set.of() : Set.copyOf(netns);
    }
}
