/** Test hosts in network namespaces, a podman for real-kernel tests, and test doubles for capture backends. */
@Export
@Version("1.3.0")
package org.cartograph.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
