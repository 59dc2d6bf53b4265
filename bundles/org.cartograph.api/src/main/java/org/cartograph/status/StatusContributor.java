package org.cartograph.status;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A component that reports its health. Published as an OSGi service; the status endpoint and
 * console collect all of them. {@link #status()} may be called from any thread and must return
 * quickly without I/O.
 */
@ConsumerType
public interface StatusContributor {

    /** @return the current status of each part this contributor reports on; never null */
    List<ComponentStatus> status();
}
