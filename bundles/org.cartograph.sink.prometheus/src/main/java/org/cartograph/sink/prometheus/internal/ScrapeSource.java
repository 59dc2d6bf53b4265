package org.cartograph.sink.prometheus.internal;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * What {@code /metrics} serves: the configured sink's metrics. Published by {@link PrometheusSink}
 * as a bundle-internal service, so {@link MetricsServlet} exists exactly while the sink does.
 */
public interface ScrapeSource {

    /** @return a consistent snapshot of the sink's metrics; thread-safe, no I/O */
    MetricSnapshots scrape();
}
