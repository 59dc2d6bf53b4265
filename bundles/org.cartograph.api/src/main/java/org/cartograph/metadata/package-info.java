/** Workload metadata: providers (Docker, Kubernetes, ECS, cloud) and the store taggers read. */
@Export
@Version("1.1.0")
package org.cartograph.metadata;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
