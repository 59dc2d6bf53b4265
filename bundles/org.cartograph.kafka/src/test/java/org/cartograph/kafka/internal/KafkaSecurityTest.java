package org.cartograph.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.cartograph.kafka.internal.collector.KafkaCollectorConfig;
import org.cartograph.kafka.internal.sink.KafkaSinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security settings turned into client properties, checked, and described without secrets. */
class KafkaSecurityTest {

    private static final String SECRET = "s3cr\"et\\pa ss";

    @TempDir
    Path dir;

    @Test
    void plaintextByDefault() {
        Properties p = properties(Map.of());
        assertEquals(Map.of("security.protocol", "PLAINTEXT"), Map.copyOf(p));
        assertEquals("PLAINTEXT", KafkaSecurity.of(sink(Map.of())).describe());
    }

    @Test
    void saslSslWithPasswordFileAndPemTruststore() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), SECRET + "\n");
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path keystore = Files.writeString(dir.resolve("client.p12"), "x");
        Map<String, Object> c = Map.of("security_protocol", "sasl_ssl", "sasl_mechanism", "SCRAM-SHA-256",
                "sasl_username", "alice", "sasl_password", "ignored", "sasl_password_file", file.toString(),
                "ssl_truststore_certificates", ca.toString(), "ssl_truststore_location", "/nonexistent",
                "ssl_keystore_location", keystore.toString(), "ssl_keystore_password", "kp", "ssl_key_password", "kk");
        Properties p = properties(c);
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-256", p.get("sasl.mechanism"));
        assertEquals("PEM", p.get("ssl.truststore.type"));
        assertEquals(ca.toString(), p.get("ssl.truststore.location"), "the PEM file wins over the truststore");
        assertEquals("PKCS12", p.get("ssl.keystore.type"));
        assertEquals("kp", p.get("ssl.keystore.password"));
        assertEquals("kk", p.get("ssl.key.password"));
        assertEquals("https", p.get("ssl.endpoint.identification.algorithm"));
        AppConfigurationEntry login = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password((String) p.get("sasl.jaas.config")))).configurationEntries().getFirst();
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule", login.getLoginModuleName());
        assertEquals("alice", login.getOptions().get("username"));
        assertEquals(SECRET, login.getOptions().get("password"), "read from the file, quotes and backslashes kept");
        KafkaSecurity s = KafkaSecurity.of(sink(c));
        assertEquals("SASL_SSL, SCRAM-SHA-256 as alice", s.describe());
        assertFalse(s.toString().contains("s3cr"), "no secret in toString");
    }

    @Test
    void plainOverSaslPlaintextForTheCollector() {
        Map<String, Object> c = Map.of("security_protocol", "SASL_PLAINTEXT", "sasl_mechanism", "PLAIN",
                "sasl_username", "bob", "sasl_password", "pw", "ssl_truststore_location", "/nonexistent");
        Properties p = new Properties();
        KafkaSecurity.of(TestConfigs.of(KafkaCollectorConfig.class, with(c, "bootstrap_servers", "x:1"))).applyTo(p);
        assertTrue(((String) p.get("sasl.jaas.config")).startsWith(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\""));
        assertFalse(p.containsKey("ssl.truststore.location"), "no TLS settings without TLS");
    }

    @Test
    void missingOrWrongSettingsAreNamedWithoutTheirSecret() throws Exception {
        assertMessage(Map.of("security_protocol", "TLS"), "security.protocol");
        assertMessage(Map.of("security_protocol", "SASL_SSL", "sasl_password", SECRET), "sasl.username");
        assertMessage(Map.of("security_protocol", "SASL_SSL", "sasl_username", "a"), "sasl.password");
        assertMessage(Map.of("security_protocol", "SASL_SSL", "sasl_username", "a", "sasl_mechanism", "GSSAPI",
                "sasl_password", SECRET), "sasl.mechanism");
        assertMessage(Map.of("security_protocol", "SASL_SSL", "sasl_username", "a", "sasl_password", SECRET,
                "sasl_password_file", dir.resolve("missing").toString()), "sasl.password.file");
        assertMessage(Map.of("security_protocol", "SSL", "ssl_truststore_location", dir.resolve("none.p12").toString()),
                "ssl.truststore.location");
        Path store = Files.writeString(dir.resolve("t.p12"), "x");
        assertMessage(Map.of("security_protocol", "SSL", "ssl_truststore_location", store.toString(),
                "ssl_truststore_type", "PKCS11"), "ssl.truststore.type");
    }

    @Test
    void refusalsAreNamedAsSuch() {
        String auth = KafkaClients.describe(new SaslAuthenticationException("Authentication failed during authentication"
                + " due to invalid credentials with SASL mechanism SCRAM-SHA-512"));
        assertTrue(auth.startsWith("authentication failed: "), auth);
        assertTrue(KafkaClients.isRefusal(auth));
        String tls = KafkaClients.describe(new SslAuthenticationException("SSL handshake failed",
                new IllegalStateException("PKIX path building failed")));
        assertEquals("TLS handshake failed: SSL handshake failed (PKIX path building failed)", tls);
        assertTrue(KafkaClients.describe(new TopicAuthorizationException("Not authorized to access topics: [t]"))
                .startsWith("not authorized: "));
        String other = KafkaClients.describe(new IllegalStateException("down"));
        assertEquals("IllegalStateException: down", other);
        assertFalse(KafkaClients.isRefusal(other));
    }

    private void assertMessage(Map<String, Object> c, String setting) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> properties(c));
        assertTrue(e.getMessage().contains(setting), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr"), "no secret in " + e.getMessage());
    }

    private static Properties properties(Map<String, Object> c) {
        Properties p = new Properties();
        KafkaSecurity.of(sink(c)).applyTo(p);
        return p;
    }

    private static KafkaSinkConfig sink(Map<String, Object> c) {
        return TestConfigs.of(KafkaSinkConfig.class, with(c, "bootstrap_servers", "x:1"));
    }

    private static Map<String, Object> with(Map<String, Object> c, String k, Object v) {
        Map<String, Object> m = new HashMap<>(c);
        m.put(k, v);
        return m;
    }
}
