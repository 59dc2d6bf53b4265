package org.cartograph.mesh;

import java.util.List;

import org.cartograph.flow.Flow;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Rewrites an interval's flows before they are batched, e.g. collapses app → sidecar → remote
 * into app → remote service, or names Cilium identities. Called on the pipeline thread once per
 * interval; must not block on I/O and must not throw.
 */
@ConsumerType
public interface MeshResolver {

    /** @return a short stable name shown in status */
    String name();

    /**
     * @param flows the interval's flows, already tagged; unmodifiable
     * @return the rewritten flows and what changed
     */
    MeshResolution resolve(List<Flow> flows);
}
