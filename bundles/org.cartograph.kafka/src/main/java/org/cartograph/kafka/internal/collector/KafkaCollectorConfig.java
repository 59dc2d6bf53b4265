package org.cartograph.kafka.internal.collector;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Kafka collector (PID {@code org.cartograph.collector.kafka}). */
@ObjectClassDefinition(name = "Cartograph Kafka collector",
        description = "Consumes agents' batches from a Kafka topic in a consumer group and feeds them to this process's sinks.")
public @interface KafkaCollectorConfig {

    /** @return the brokers to bootstrap from */
    @AttributeDefinition(name = "Bootstrap servers", description = "Comma-separated host:port list.")
    String bootstrap_servers();

    /** @return the topic */
    @AttributeDefinition(name = "Topic")
    String topic() default "cartograph.flows";

    /** @return the consumer group shared by all collectors */
    @AttributeDefinition(name = "Consumer group", description = "Collectors in one group share the topic's partitions.")
    String group_id() default "cartograph-collector";

    /** @return the consumer's client id */
    @AttributeDefinition(name = "Client id")
    String client_id() default "cartograph-collector";

    /** @return where a group without committed offsets starts */
    @AttributeDefinition(name = "Start of a new group", options = {
            @org.osgi.service.metatype.annotations.Option(label = "earliest", value = "earliest"),
            @org.osgi.service.metatype.annotations.Option(label = "latest", value = "latest")})
    String auto_offset_reset() default "earliest";

    /** @return the most records handled per poll */
    @AttributeDefinition(name = "Max records per poll", min = "1")
    int max_poll_records() default 50;

    /** @return how long a collector may be silent before its partitions go to another */
    @AttributeDefinition(name = "Session timeout (ms)", min = "6000")
    int session_timeout_ms() default 30000;
}
