/**
 * A real single-node KRaft Kafka broker run as a child JVM, with optional TLS and SASL, and the
 * self-signed certificates it and its clients use. Tests only.
 */
@Export
@Version("1.0.0")
package org.cartograph.testkit.kafka;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
