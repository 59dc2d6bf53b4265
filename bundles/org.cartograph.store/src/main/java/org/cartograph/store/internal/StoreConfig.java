package org.cartograph.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the store (PID {@value StoreSink#PID}). */
@ObjectClassDefinition(name = "Cartograph store",
        description = "Embedded analytical store (DuckDB) fed by every batch; retention, cost prices and event detection.")
public @interface StoreConfig {

    /** @return the data directory; the database lives in {@code DATA_DIR/store/cartograph.duckdb} */
    @AttributeDefinition(name = "Data directory", description = "cartograph.data_dir / CARTOGRAPH_DATA_DIR")
    String data_dir() default "data";

    /** @return hours of flows, DNS statistics and events kept */
    @AttributeDefinition(name = "Retention (hours)", min = "1", description = "cartograph.store.retention_hours")
    int retention_hours() default 168;

    /** @return size of the database file above which the oldest rows are deleted */
    @AttributeDefinition(name = "Maximum size (MB)", min = "16", description = "cartograph.store.max_size_mb")
    int max_size_mb() default 2048;

    /** @return memory DuckDB may use */
    @AttributeDefinition(name = "Memory limit (MB)", min = "64", description = "cartograph.store.memory_limit_mb")
    int memory_limit_mb() default 512;

    /** @return DuckDB worker threads */
    @AttributeDefinition(name = "Query threads", min = "1", description = "cartograph.store.threads")
    int threads() default 2;

    /** @return a price table file (properties, see the bundled traffic-prices.properties), empty for the defaults */
    @AttributeDefinition(name = "Price table file", description = "cartograph.store.price_file; empty: bundled defaults")
    String price_file() default "";

    /** @return tags naming a map node, first present wins; then DNS name and address */
    @AttributeDefinition(name = "Node tags", description = "cartograph.store.node_tags")
    String[] node_tags() default {"service", "kube_service", "container_name", "pod_name", "process"};

    /** @return seconds between two runs of the dependency and outage detectors */
    @AttributeDefinition(name = "Analysis interval (s)", min = "0", description = "cartograph.store.analysis_interval_s")
    int analysis_interval_s() default 60;

    /** @return length of the window that is compared against the baseline */
    @AttributeDefinition(name = "Detection window (s)", min = "1", description = "cartograph.store.detection_window_s")
    int detection_window_s() default 300;

    /** @return length of the baseline window just before the detection window */
    @AttributeDefinition(name = "Baseline window (s)", min = "1", description = "cartograph.store.baseline_window_s")
    int baseline_window_s() default 3600;

    /** @return failures a destination needs in the detection window before an outage is suspected */
    @AttributeDefinition(name = "Outage: minimum failures", min = "1", description = "cartograph.store.outage_min_failures")
    int outage_min_failures() default 5;

    /** @return failure rate (0..1) a destination needs in the detection window before an outage is suspected */
    @AttributeDefinition(name = "Outage: minimum failure rate", description = "cartograph.store.outage_min_rate")
    double outage_min_rate() default 0.2;

    /** @return how many times the baseline failure rate the detection window must reach */
    @AttributeDefinition(name = "Outage: factor over baseline", description = "cartograph.store.outage_factor")
    double outage_factor() default 3.0;
}
