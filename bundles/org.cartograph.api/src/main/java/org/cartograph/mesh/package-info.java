/** The mesh SPI: rewriting what a service mesh hides (sidecar hops, identities). */
@Export
@Version("1.0.0")
package org.cartograph.mesh;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
