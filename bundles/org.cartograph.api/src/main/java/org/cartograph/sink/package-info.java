/** The sink SPI: where each interval's batches go (files, Prometheus, OTLP, Kafka, the store). */
@Export
@Version("1.2.0")
package org.cartograph.sink;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
