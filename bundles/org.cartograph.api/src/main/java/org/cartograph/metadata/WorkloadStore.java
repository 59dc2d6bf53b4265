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
     * @param netns a network namespace inode
     * @return the entity owning that namespace (a pod or container), if known
     */
    Optional<WorkloadEntity> byNetns(long netns);

    /** @return number of entities held */
    int size();
}
