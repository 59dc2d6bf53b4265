package org.cartograph.metadata;

import java.util.Collection;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a provider feeds the store. Thread-safe; each call is applied atomically and is visible
 * to lookups when it returns.
 */
@ProviderType
public interface WorkloadWriter {

    /** @param entity an entity to add or replace (by id) */
    void put(WorkloadEntity entity);

    /** @param id an entity to remove; unknown ids are ignored */
    void remove(EntityId id);

    /**
     * Replaces every entity of this writer's provider with the given ones (a full resync).
     *
     * @param entities the complete current set
     */
    void replaceAll(Collection<WorkloadEntity> entities);
}
