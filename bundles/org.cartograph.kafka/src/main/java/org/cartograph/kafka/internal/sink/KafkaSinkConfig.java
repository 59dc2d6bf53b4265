package org.cartograph.kafka.internal.sink;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Kafka sink (PID {@code org.cartograph.sink.kafka}). */
@ObjectClassDefinition(name = "Cartograph Kafka sink",
        description = "Publishes each batch to a Kafka topic; batches wait in a bounded on-disk spool while the brokers are unreachable.")
public @interface KafkaSinkConfig {

    /** @return the brokers to bootstrap from */
    @AttributeDefinition(name = "Bootstrap servers", description = "Comma-separated host:port list.")
    String bootstrap_servers();

    /** @return the topic */
    @AttributeDefinition(name = "Topic")
    String topic() default "cartograph.flows";

    /** @return the producer's client id */
    @AttributeDefinition(name = "Client id")
    String client_id() default "cartograph-agent";

    /** @return the compression codec */
    @AttributeDefinition(name = "Compression", options = {
            @org.osgi.service.metatype.annotations.Option(label = "LZ4", value = "lz4"),
            @org.osgi.service.metatype.annotations.Option(label = "gzip", value = "gzip"),
            @org.osgi.service.metatype.annotations.Option(label = "none", value = "none")})
    String compression() default "lz4";

    /** @return the data directory the default spool lives in */
    @AttributeDefinition(name = "Data directory", description = "cartograph.data_dir; the spool defaults to DATA_DIR/kafka-spool.")
    String data_dir() default "data";

    /** @return the spool directory, empty for the default */
    @AttributeDefinition(name = "Spool directory", required = false,
            description = "Where batches wait for the brokers; empty: DATA_DIR/kafka-spool.")
    String spool_dir() default "";

    /** @return the spool's bound in MiB */
    @AttributeDefinition(name = "Spool size (MB)", min = "1",
            description = "Beyond it the oldest spooled batches are dropped and counted.")
    int spool_max_mb() default 256;

    /** @return the spool's bound in batches */
    @AttributeDefinition(name = "Spool size (batches)", min = "1",
            description = "Beyond it the oldest spooled batches are dropped and counted.")
    int spool_max_batches() default 8640;

    /** @return how long the producer tries one batch before the sender retries it */
    @AttributeDefinition(name = "Delivery timeout (seconds)", min = "1")
    int delivery_timeout_seconds() default 30;

    /** @return the longest wait between two failed attempts */
    @AttributeDefinition(name = "Max retry backoff (seconds)", min = "1")
    int max_backoff_seconds() default 10;

    /** @return the size one record's value should not exceed */
    @AttributeDefinition(name = "Max record size (bytes)", min = "1024",
            description = "A larger batch is sent as several consecutive records (parts) that the collector joins. The default stays below the broker's default message.max.bytes (1 MiB) even uncompressed.")
    int max_record_bytes() default 900000;
}
