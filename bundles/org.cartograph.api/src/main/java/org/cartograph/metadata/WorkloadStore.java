package org.cartograph.metadata;

import java.util.List;
import java.util.Optional;

import org.cartograph.flow.IpAddress;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one store of workload metadata, read by taggers on the pipeline thread. Every lookup is
 * an in-memory hash or prefix-trie lookup: no I/O, no blocking, safe from any thread.
 */
@ProviderType
public interface WorkloadStore {

    /**
     * @param id an entity id
     * @return the entity, if known
     */
    Optional<WorkloadEntity> get(EntityId id);

    /**
     * @param ip an address
     * @return entities owning exactly this address (a pod and its service endpoint, ...)
     */
    List<WorkloadEntity> byAddress(IpAddress ip);

    /**
     * @param ip an address
     * @return the entity with the longest prefix containing the address, if any
     */
    Optional<WorkloadEntity> byPrefix(IpAddress ip);

    /**
     * @param pid a process id
     * @return the entity running that process, if known
     */
    Optional<WorkloadEntity> byPid(int pid);

    /**
     * @param containerId a 64-hex container id
     * @return the container entity, if known
     */
    Optional<WorkloadEntity> byContainerId(String containerId);

    /**
     * Every entity claiming a container id: several providers may name one container (Docker and
     * ECS on EC2, a container runtime and Kubernetes), each with its own tags.
     *
     * @param containerId a 64-hex container id
     * @return the entities, oldest claim first (the first is {@link #byContainerId}); empty if none
     * @since 1.1
     */
    default List<WorkloadEntity> allByContainerId(String containerId) {
        return byContainerId(containerId).map(List::of).orElse(List.of());
    }

    /**
     * @param netns a network namespace inode
     * @return the entity owning that namespace (a pod or container), if known
     */
    Optional<WorkloadEntity> byNetns(long netns);

    /** @return number of entities held */
    int size();
}
