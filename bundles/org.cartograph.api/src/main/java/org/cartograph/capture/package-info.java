/**
 * The capture SPI: backends that see connections in the kernel (eBPF, netlink, Windows) and
 * hand their cumulative counters to the core.
 */
@Export
@Version("1.1.0")
package org.cartograph.capture;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
