package org.cartograph.mesh;

import java.util.List;

import org.cartograph.flow.Flow;

/**
 * What a {@link MeshResolver} made of an interval's flows.
 *
 * @param flows     the flows to keep; unmodifiable
 * @param rewritten flows whose ends were renamed
 * @param removed   flows dropped (e.g. sidecar hops merged into another flow)
 */
public record MeshResolution(List<Flow> flows, int rewritten, int removed) {

    /** Copies the list. */
    public MeshResolution {
        flows = List.copyOf(flows);
    }

    /**
     * @param flows flows left as they were
     * @return a resolution that changed nothing
     */
    public static MeshResolution unchanged(List<Flow> flows) {
        return new MeshResolution(flows, 0, 0);
    }
}
