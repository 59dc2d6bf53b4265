package org.cartograph.metadata;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Streams what a runtime or platform knows (containers, pods, services, tasks, cloud ranges)
 * into the workload store. Published as an OSGi service; the store calls {@link #start} with a
 * writer bound to this provider's name and {@link #stop} when either goes away. Providers do
 * their I/O on their own threads and report health through
 * {@link org.cartograph.status.StatusContributor}.
 */
@ConsumerType
public interface WorkloadMetadataProvider {

    /** @return a short stable name, e.g. {@code docker}; the source of the entities it writes */
    String name();

    /**
     * Starts streaming; must return quickly (connect in the background).
     *
     * @param writer where entities go
     */
    void start(WorkloadWriter writer);

    /** Stops streaming and releases connections; entities it wrote are removed by the store. */
    void stop();
}
