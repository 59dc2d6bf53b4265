/**
 * The immutable flow model: what one connection did during one interval, and the batch the
 * core hands to sinks. Records here are deeply immutable and safe to share between threads.
 */
@Export
@Version("1.2.0")
package org.cartograph.flow;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
