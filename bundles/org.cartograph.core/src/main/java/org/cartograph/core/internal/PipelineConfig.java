package org.cartograph.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the pipeline (PID {@code org.cartograph.core.pipeline}). */
@ObjectClassDefinition(name = "Cartograph pipeline",
        description = "How often connections are snapshotted and how many are tracked.")
@interface PipelineConfig {

    @AttributeDefinition(name = "Interval (seconds)", min = "1", max = "3600",
            description = "Seconds between two snapshots; each interval produces one batch, or several when it has more flows than the batch size (cartograph.interval).")
    int interval_seconds() default 10;

    @AttributeDefinition(name = "Max flows per batch", min = "1",
            description = "An interval with more flows is published as several batches of at most this many, so that memory stays bounded however many connections the host has (cartograph.max_flows_per_batch).")
    int max_flows_per_batch() default 5000;

    @AttributeDefinition(name = "Host name", description = "Name put on batches; empty: the machine's host name.")
    String host_name() default "";

    @AttributeDefinition(name = "Network monitoring enabled", description = "network_config.enabled")
    boolean network_enabled() default true;

    @AttributeDefinition(name = "System probe enabled", description = "system_probe_config.enabled")
    boolean system_probe_enabled() default true;

    @AttributeDefinition(name = "Max tracked connections", min = "1",
            description = "Connections tracked at once per backend (system_probe_config.max_tracked_connections); memory grows with the connections tracked, up to this bound; applies when a backend is next opened.")
    int max_tracked_connections() default 131072;

    @AttributeDefinition(name = "Closed channel size", min = "1",
            description = "Closed connections buffered per backend between two intervals (system_probe_config.closed_channel_size); memory grows with the most buffered at once, up to this bound; applies when a backend is next opened.")
    int closed_channel_size() default 50000;

    @AttributeDefinition(name = "Collect TCP")
    boolean collect_tcp() default true;

    @AttributeDefinition(name = "Collect UDP")
    boolean collect_udp() default true;

    @AttributeDefinition(name = "Collect IPv6")
    boolean collect_ipv6() default true;

    @AttributeDefinition(name = "Expire after intervals", min = "1",
            description = "Snapshots a connection may be missing from (without a close event) before it is forgotten.")
    int expire_after_intervals() default 2;
}
