package org.cartograph.enrich;

import org.cartograph.flow.Flow;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Adds tags to the local and remote end of a flow from what is already known (the workload
 * store), e.g. {@code container_name} from the flow's cgroup or {@code kube_service} from its
 * remote address. Called on the core's pipeline thread for every flow of every interval: it must
 * be pure and fast, never call a container runtime or do other I/O, and never throw.
 */
@ConsumerType
public interface FlowTagger {

    /** @return a short stable name shown in status */
    String name();

    /**
     * @param flow   the flow, with the tags added by earlier taggers
     * @param local  collects tags of the local end
     * @param remote collects tags of the remote end
     */
    void tag(Flow flow, TagCollector local, TagCollector remote);
}
