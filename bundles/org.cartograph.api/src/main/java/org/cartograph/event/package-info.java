/**
 * Network events found by analysis (a new dependency, a suspected outage, ...) and the SPI of
 * those who want them (sinks, alerting). Records here are immutable and thread-safe.
 */
@Export
@Version("1.0.0")
package org.cartograph.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
