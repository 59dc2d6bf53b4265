package org.cartograph.kafka.internal.sink;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

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
            @Option(label = "LZ4", value = "lz4"),
            @Option(label = "gzip", value = "gzip"),
            @Option(label = "none", value = "none")})
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

    /** @return how the client talks to the brokers */
    @AttributeDefinition(name = "Security protocol", options = {
            @Option(label = "PLAINTEXT", value = "PLAINTEXT"), @Option(label = "SSL", value = "SSL"),
            @Option(label = "SASL_PLAINTEXT", value = "SASL_PLAINTEXT"), @Option(label = "SASL_SSL", value = "SASL_SSL")})
    String security_protocol() default "PLAINTEXT";

    /** @return the SASL mechanism, with a SASL_* protocol */
    @AttributeDefinition(name = "SASL mechanism", options = {
            @Option(label = "PLAIN", value = "PLAIN"), @Option(label = "SCRAM-SHA-256", value = "SCRAM-SHA-256"),
            @Option(label = "SCRAM-SHA-512", value = "SCRAM-SHA-512")})
    String sasl_mechanism() default "SCRAM-SHA-512";

    /** @return the SASL user name */
    @AttributeDefinition(name = "SASL user name", required = false)
    String sasl_username() default "";

    /** @return the SASL password; never logged or shown in status */
    @AttributeDefinition(name = "SASL password", type = AttributeType.PASSWORD, required = false,
            description = "Ignored when a password file is set.")
    String sasl_password() default "";

    /** @return a file holding the SASL password, so it need not sit in the configuration */
    @AttributeDefinition(name = "SASL password file", required = false,
            description = "Path of a file whose content (without a trailing line break) is the password.")
    String sasl_password_file() default "";

    /** @return the truststore, empty for the JVM's default CAs */
    @AttributeDefinition(name = "Truststore location", required = false,
            description = "Key store with the CA certificates the brokers' certificates are checked against.")
    String ssl_truststore_location() default "";

    /** @return the truststore's password */
    @AttributeDefinition(name = "Truststore password", type = AttributeType.PASSWORD, required = false)
    String ssl_truststore_password() default "";

    /** @return the truststore's type */
    @AttributeDefinition(name = "Truststore type", options = {
            @Option(label = "PKCS12", value = "PKCS12"), @Option(label = "JKS", value = "JKS"),
            @Option(label = "PEM", value = "PEM")})
    String ssl_truststore_type() default "PKCS12";

    /** @return a PEM file of CA certificates, used instead of a truststore */
    @AttributeDefinition(name = "Truststore certificates (PEM file)", required = false,
            description = "Path of a PEM file with the CA certificates; takes precedence over the truststore location.")
    String ssl_truststore_certificates() default "";

    /** @return the client's key store for mutual TLS, empty for none */
    @AttributeDefinition(name = "Keystore location", required = false,
            description = "Client key and certificate chain, when the brokers require client certificates.")
    String ssl_keystore_location() default "";

    /** @return the key store's password */
    @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD, required = false)
    String ssl_keystore_password() default "";

    /** @return the key store's type */
    @AttributeDefinition(name = "Keystore type", options = {
            @Option(label = "PKCS12", value = "PKCS12"), @Option(label = "JKS", value = "JKS"),
            @Option(label = "PEM", value = "PEM")})
    String ssl_keystore_type() default "PKCS12";

    /** @return the private key's password, if it differs from the key store's */
    @AttributeDefinition(name = "Key password", type = AttributeType.PASSWORD, required = false)
    String ssl_key_password() default "";

    /** @return how the brokers' host names are checked against their certificates */
    @AttributeDefinition(name = "Endpoint identification", required = false,
            description = "https (default) checks the broker's host name against its certificate; empty turns the check off.")
    String ssl_endpoint_identification_algorithm() default "https";
}
