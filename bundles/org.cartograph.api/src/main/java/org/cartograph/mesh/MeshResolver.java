package org.cartograph.mesh;

import java.util.List;

import org.cartograph.flow.Flow;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Rewrites a batch's flows before they are published, e.g. collapses app → sidecar → remote
 * into app → remote service, or names Cilium identities. Called on the pipeline thread once per
 * batch (an interval with many flows comes in several batches, see
 * {@link org.cartograph.flow.FlowBatch}); must not block on I/O and must not throw.
 */
@ConsumerType
public interface MeshResolver {

    /** @return a short stable name shown in status */
    String name();

    /**
     * @param flows the batch's flows, already tagged; unmodifiable
     * @return the rewritten flows and what changed
     */
    MeshResolution resolve(List<Flow> flows);
}
