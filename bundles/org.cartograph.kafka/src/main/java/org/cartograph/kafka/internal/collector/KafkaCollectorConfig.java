package org.cartograph.kafka.internal.collector;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

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
            @Option(label = "earliest", value = "earliest"),
            @Option(label = "latest", value = "latest")})
    String auto_offset_reset() default "earliest";

    /** @return the most records handled per poll */
    @AttributeDefinition(name = "Max records per poll", min = "1")
    int max_poll_records() default 50;

    /** @return how long a collector may be silent before its partitions go to another */
    @AttributeDefinition(name = "Session timeout (ms)", min = "6000")
    int session_timeout_ms() default 30000;

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
