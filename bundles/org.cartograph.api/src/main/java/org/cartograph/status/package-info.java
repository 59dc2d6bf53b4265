/** Health of every component, for {@code /status}, the console and the UI. */
@Export
@Version("1.1.0")
package org.cartograph.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
