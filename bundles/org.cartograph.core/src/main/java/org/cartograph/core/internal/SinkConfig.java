package org.cartograph.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the sink queues (PID {@code org.cartograph.core.sinks}). */
@ObjectClassDefinition(name = "Cartograph sink queues",
        description = "Each sink has its own queue, bounded in batches and in flows. A failing sink never blocks capture or other sinks: its oldest batches are dropped and counted. A healthy but slow sink makes the pipeline wait a bounded time for room, so that a burst is delivered, not dropped.")
@interface SinkConfig {

    @AttributeDefinition(name = "Queue capacity (batches)", min = "1",
            description = "Batches kept per sink; beyond it the oldest is dropped and counted.")
    int queue_capacity() default 64;

    @AttributeDefinition(name = "Queue capacity (flows)", min = "1",
            description = "Flows kept per sink, summed over its queued batches; beyond it the oldest batches are dropped and counted (after waiting for room, see below). Bounds the memory a slow or failing sink holds.")
    int queue_max_flows() default 20000;

    @AttributeDefinition(name = "Max publisher wait (milliseconds)", min = "0",
            description = "How long the pipeline waits for room in a full queue whose sink is attached and healthy before dropping its oldest batches; 0 never waits.")
    int max_block_millis() default 5000;

    @AttributeDefinition(name = "Swap grace (seconds)", min = "0",
            description = "How long a sink's queue waits for a replacement with the same name after the sink goes away; then its batches are dropped and counted.")
    int swap_grace_seconds() default 120;

    @AttributeDefinition(name = "Delivery timeout (seconds)", min = "1",
            description = "A delivery not completed by then counts as a retryable failure.")
    int delivery_timeout_seconds() default 30;

    @AttributeDefinition(name = "Max retry backoff (seconds)", min = "1")
    int max_backoff_seconds() default 30;
}
