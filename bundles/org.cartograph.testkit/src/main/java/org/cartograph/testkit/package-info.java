/** Test hosts in network namespaces and a podman for real-kernel tests. */
@Export
@Version("1.2.0")
package org.cartograph.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
