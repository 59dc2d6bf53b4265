package org.cartograph.config.internal;

import java.util.List;

import org.cartograph.config.internal.ValueType.FsPath;
import org.cartograph.config.internal.ValueType.Text;

/**
 * The TLS and SASL keys shared by the Kafka sink and the Kafka collector, part of
 * {@link KeyCatalog}. Passwords are secrets: never logged, never shown.
 */
final class KafkaSecurityKeys {

    private KafkaSecurityKeys() {
    }

    /**
     * @param k      receives the keys
     * @param prefix the YAML prefix, e.g. {@code cartograph.sinks.kafka.}
     * @param pid    the component's PID
     */
    static void addTo(List<ConfigKey> k, String prefix, String pid) {
        Text text = new Text(true);
        FsPath path = new FsPath(false);
        k.add(ConfigKey.of(prefix + "security_protocol", text, pid, "security.protocol",
                "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL."));
        k.add(ConfigKey.of(prefix + "sasl_mechanism", text, pid, "sasl.mechanism", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512."));
        k.add(ConfigKey.of(prefix + "sasl_username", text, pid, "sasl.username", "SASL user name."));
        k.add(ConfigKey.of(prefix + "sasl_password", text, pid, "sasl.password", "SASL password.").withSecret());
        k.add(ConfigKey.of(prefix + "sasl_password_file", path, pid, "sasl.password.file", "File holding the SASL password."));
        k.add(ConfigKey.of(prefix + "ssl_truststore_location", path, pid, "ssl.truststore.location",
                "Truststore with the CA certificates of the brokers."));
        k.add(ConfigKey.of(prefix + "ssl_truststore_password", text, pid, "ssl.truststore.password",
                "Truststore password.").withSecret());
        k.add(ConfigKey.of(prefix + "ssl_truststore_type", text, pid, "ssl.truststore.type", "PKCS12, JKS or PEM."));
        k.add(ConfigKey.of(prefix + "ssl_truststore_certificates", path, pid, "ssl.truststore.certificates",
                "PEM file of CA certificates, instead of a truststore."));
        k.add(ConfigKey.of(prefix + "ssl_keystore_location", path, pid, "ssl.keystore.location",
                "Client key store, for brokers that require client certificates."));
        k.add(ConfigKey.of(prefix + "ssl_keystore_password", text, pid, "ssl.keystore.password",
                "Key store password.").withSecret());
        k.add(ConfigKey.of(prefix + "ssl_keystore_type", text, pid, "ssl.keystore.type", "PKCS12, JKS or PEM."));
        k.add(ConfigKey.of(prefix + "ssl_key_password", text, pid, "ssl.key.password", "Private key password.").withSecret());
        k.add(ConfigKey.of(prefix + "ssl_endpoint_identification_algorithm", new Text(false), pid,
                "ssl.endpoint.identification.algorithm", "https checks the broker host name; empty turns it off."));
    }
}
