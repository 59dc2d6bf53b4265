package org.cartograph.metadata;

import java.util.Objects;

/**
 * Identity of a workload entity.
 *
 * @param kind e.g. {@code container}, {@code pod}, {@code service}, {@code ecs_task}, {@code cloud_range}
 * @param id   unique within the kind (container id, pod uid, ...)
 */
public record EntityId(String kind, String id) {

    /** Checks for null. */
    public EntityId {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }
}
