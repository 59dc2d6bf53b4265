package org.cartograph.kafka.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

import org.cartograph.kafka.internal.collector.KafkaCollectorConfig;
import org.cartograph.kafka.internal.sink.KafkaSinkConfig;

/**
 * The TLS and SASL settings a Kafka client of this bundle uses, checked and turned into client
 * properties. The SASL login goes into the client's own {@code sasl.jaas.config} (never a global
 * JAAS file), so every client has its own credentials. Passwords (given, or read from a file) are
 * never part of {@link #toString()} or {@link #describe()}. Immutable.
 */
public final class KafkaSecurity {

    /** The security protocols Kafka clients speak. */
    public static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    /** The SASL mechanisms supported. */
    public static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    private static final Set<String> STORE_TYPES = Set.of("PKCS12", "JKS", "PEM");

    private final String protocol;
    private final String mechanism;
    private final String username;
    private final String password;
    private final String passwordFile;
    private final Store truststore;
    private final String truststoreCertificates;
    private final Store keystore;
    private final String keyPassword;
    private final String endpointIdentification;

    /** A key or trust store: location, type, password. */
    private record Store(String location, String type, String password) {
        @Override
        public String toString() {
            return location + " (" + type + ")";
        }
    }

    private KafkaSecurity(String protocol, String mechanism, String username, String password, String passwordFile,
                          Store truststore, String truststoreCertificates, Store keystore, String keyPassword,
                          String endpointIdentification) {
        this.protocol = upper(protocol);
        this.mechanism = upper(mechanism);
        this.username = trim(username);
        this.password = password == null ? "" : password;
        this.passwordFile = trim(passwordFile);
        this.truststore = truststore;
        this.truststoreCertificates = trim(truststoreCertificates);
        this.keystore = keystore;
        this.keyPassword = keyPassword == null ? "" : keyPassword;
        this.endpointIdentification = trim(endpointIdentification);
    }

    /** @return the sink's security settings */
    public static KafkaSecurity of(KafkaSinkConfig c) {
        return new KafkaSecurity(c.security_protocol(), c.sasl_mechanism(), c.sasl_username(), c.sasl_password(),
                c.sasl_password_file(), store(c.ssl_truststore_location(), c.ssl_truststore_type(),
                c.ssl_truststore_password()), c.ssl_truststore_certificates(), store(c.ssl_keystore_location(),
                c.ssl_keystore_type(), c.ssl_keystore_password()), c.ssl_key_password(),
                c.ssl_endpoint_identification_algorithm());
    }

    /** @return the collector's security settings */
    public static KafkaSecurity of(KafkaCollectorConfig c) {
        return new KafkaSecurity(c.security_protocol(), c.sasl_mechanism(), c.sasl_username(), c.sasl_password(),
                c.sasl_password_file(), store(c.ssl_truststore_location(), c.ssl_truststore_type(),
                c.ssl_truststore_password()), c.ssl_truststore_certificates(), store(c.ssl_keystore_location(),
                c.ssl_keystore_type(), c.ssl_keystore_password()), c.ssl_key_password(),
                c.ssl_endpoint_identification_algorithm());
    }

    /**
     * Adds the security settings to a client's properties; reads the password file.
     *
     * @param p the client's properties
     * @throws IllegalArgumentException naming the setting that is missing, unknown or unreadable
     *                                  (never its secret value)
     */
    public void applyTo(Properties p) {
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("security.protocol must be one of " + PROTOCOLS + ", not '" + protocol + "'");
        }
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            applySasl(p);
        }
        if (protocol.endsWith("SSL")) {
            applySsl(p);
        }
    }

    /** @return e.g. {@code SASL_SSL, SCRAM-SHA-512 as alice}: what status and logs may show */
    public String describe() {
        return protocol.startsWith("SASL_") ? protocol + ", " + mechanism + " as " + username : protocol;
    }

    @Override
    public String toString() {
        return describe();
    }

    private void applySasl(Properties p) {
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("sasl.mechanism must be one of " + MECHANISMS + ", not '" + mechanism + "'");
        }
        if (username.isEmpty()) {
            throw new IllegalArgumentException("sasl.username is required with security.protocol " + protocol);
        }
        String secret = secret();
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("sasl.password or sasl.password.file is required with security.protocol "
                    + protocol);
        }
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put("sasl.mechanism", mechanism);
        p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(username) + "\" password=\""
                + jaasEscape(secret) + "\";");
    }

    private void applySsl(Properties p) {
        if (!truststoreCertificates.isEmpty()) {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", readable("ssl.truststore.certificates", truststoreCertificates));
        } else if (truststore != null) {
            p.put("ssl.truststore.type", storeType("ssl.truststore.type", truststore.type()));
            p.put("ssl.truststore.location", readable("ssl.truststore.location", truststore.location()));
            if (!truststore.password().isEmpty()) {
                p.put("ssl.truststore.password", truststore.password());
            }
        }
        if (keystore != null) {
            p.put("ssl.keystore.type", storeType("ssl.keystore.type", keystore.type()));
            p.put("ssl.keystore.location", readable("ssl.keystore.location", keystore.location()));
            if (!keystore.password().isEmpty()) {
                p.put("ssl.keystore.password", keystore.password());
            }
            if (!keyPassword.isEmpty()) {
                p.put("ssl.key.password", keyPassword);
            }
        }
        p.put("ssl.endpoint.identification.algorithm", endpointIdentification);
    }

    /** @return the password from the file if one is named, else the configured one */
    private String secret() {
        if (passwordFile.isEmpty()) {
            return password;
        }
        try {
            String s = Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8);
            return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("sasl.password.file " + passwordFile + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    private static String readable(String setting, String location) {
        Path path = Path.of(location);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException(setting + " " + location + " is not a readable file");
        }
        return path.toAbsolutePath().toString();
    }

    private static String storeType(String setting, String type) {
        String t = upper(type);
        if (!STORE_TYPES.contains(t)) {
            throw new IllegalArgumentException(setting + " must be one of " + STORE_TYPES + ", not '" + type + "'");
        }
        return t;
    }

    private static Store store(String location, String type, String password) {
        String l = trim(location);
        return l.isEmpty() ? null : new Store(l, trim(type), password == null ? "" : password);
    }

    /** Escapes a value for a double-quoted string of a JAAS configuration. */
    static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String upper(String s) {
        return trim(s).toUpperCase(Locale.ROOT);
    }

    private static String trim(String s) {
        return s == null ? "" : s.strip();
    }
}
