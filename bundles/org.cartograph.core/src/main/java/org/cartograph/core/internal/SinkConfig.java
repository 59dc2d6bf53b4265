package org.cartograph.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the sink queues (PID {@code org.cartograph.core.sinks}). */
@ObjectClassDefinition(name = "Cartograph sink queues",
        description = "Each sink has its own bounded queue; a slow or failing sink never blocks capture or other sinks.")
@interface SinkConfig {

    @AttributeDefinition(name = "Queue capacity (batches)", min = "1",
            description = "Batches kept per sink; beyond it the oldest is dropped and counted.")
    int queue_capacity() default 64;

    @AttributeDefinition(name = "Swap grace (seconds)", min = "0",
            description = "How long a sink's queue waits for a replacement with the same name after the sink goes away; then its batches are dropped and counted.")
    int swap_grace_seconds() default 120;

    @AttributeDefinition(name = "Delivery timeout (seconds)", min = "1",
            description = "A delivery not completed by then counts as a retryable failure.")
    int delivery_timeout_seconds() default 30;

    @AttributeDefinition(name = "Max retry backoff (seconds)", min = "1")
    int max_backoff_seconds() default 30;
}
