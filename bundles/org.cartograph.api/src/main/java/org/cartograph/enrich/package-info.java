/** Tags and the tagger SPI that names both ends of a flow from the workload store. */
@Export
@Version("1.1.0")
package org.cartograph.enrich;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
