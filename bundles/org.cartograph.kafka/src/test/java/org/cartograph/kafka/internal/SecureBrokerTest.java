package org.cartograph.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.collector.KafkaCollectorAccess;
import org.cartograph.kafka.internal.sink.KafkaSinkAccess;
import org.cartograph.status.Health;
import org.cartograph.testkit.kafka.KafkaBroker;
import org.cartograph.testkit.kafka.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink and the collector against a real KRaft broker whose SASL_SSL listener accepts SCRAM
 * and PLAIN users and requires a client certificate; the self-signed certificate is made by the
 * test with keytool. Broker and certificate are made once for the class.
 */
class SecureBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-Secret-7f3a";
    private static final String WRONG = "not-Alice-9c1e";

    @TempDir
    static Path classDir;
    private static TestPki pki;
    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        pki = TestPki.create(Files.createDirectories(classDir.resolve("pki")));
        broker = KafkaBroker.startSecure(Files.createDirectories(classDir.resolve("broker")), pki, Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void sinkPublishesAndCollectorConsumesOverSaslSsl() throws Exception {
        broker.createTopic("secure", 1);
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), PASSWORD + "\n");
        Map<String, Object> scramWithPemTrust = Map.of("security_protocol", "SASL_SSL", "sasl_mechanism", "SCRAM-SHA-512",
                "sasl_username", USER, "sasl_password_file", passwordFile.toString(),
                "ssl_truststore_certificates", pki.certificate().toString(),
                "ssl_keystore_location", pki.keystore().toString(), "ssl_keystore_password", pki.password());
        Map<String, Object> plainWithPkcs12Trust = Map.of("security_protocol", "SASL_SSL", "sasl_mechanism", "PLAIN",
                "sasl_username", USER, "sasl_password", PASSWORD,
                "ssl_truststore_location", pki.truststore().toString(), "ssl_truststore_password", pki.password(),
                "ssl_keystore_location", pki.keystore().toString(), "ssl_keystore_password", pki.password());
        List<FlowBatch> produced = new ArrayList<>();
        try (var sink = KafkaSinkAccess.open(broker.secureBootstrap(), "secure", dir.resolve("spool"), scramWithPemTrust);
             var collector = KafkaCollectorAccess.open(broker.secureBootstrap(), "secure", "secure-group",
                     plainWithPkcs12Trust)) {
            for (long seq = 1; seq <= 5; seq++) {
                FlowBatch b = Batches.batch("secure-host", seq);
                produced.add(b);
                assertTrue(sink.deliver(b));
            }
            Await.until(WAIT, () -> sink.sent() == 5, () -> "5 sent over SASL_SSL, status " + sink.status());
            Await.until(WAIT, () -> collector.batches().size() >= 5,
                    () -> collector.batches().size() + " of 5 consumed, status " + collector.status());
            assertEquals(produced, collector.batches());
            assertEquals(Health.OK, sink.status().health());
            assertEquals("SASL_SSL, SCRAM-SHA-512 as alice", sink.status().attributes().get("security"));
            assertEquals("SASL_SSL, PLAIN as alice", collector.status().attributes().get("security"));
        }
    }

    @Test
    void wrongPasswordIsReportedBatchesStaySpooledAndAreSentOnceFixed() throws Exception {
        broker.createTopic("fixed", 1);
        Path spool = dir.resolve("spool");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8));
        try {
            try (var sink = KafkaSinkAccess.open(broker.secureBootstrap(), "fixed", spool, scram(WRONG));
                 var collector = KafkaCollectorAccess.open(broker.secureBootstrap(), "fixed", "fixed-group",
                         scram(WRONG))) {
                for (long seq = 1; seq <= 3; seq++) {
                    assertTrue(sink.deliver(Batches.batch("fixed-host", seq)));
                }
                Await.until(WAIT, () -> sink.status().message().contains("authentication failed"),
                        () -> "the sink names the authentication failure: " + sink.status());
                Await.until(WAIT, () -> collector.status().message().contains("authentication failed"),
                        () -> "the collector names the authentication failure: " + collector.status());
                String status = sink.status() + " " + collector.status();
                assertTrue(sink.status().message().contains("SASL_SSL, SCRAM-SHA-512 as alice"), status);
                assertEquals(Health.DEGRADED, sink.status().health());
                assertEquals(Health.DEGRADED, collector.status().health());
                assertEquals(0, sink.sent());
                assertEquals(3, sink.spooled(), "the batches wait in the spool");
                assertFalse(status.contains(WRONG), "no password in the status: " + status);
            }
            try (var sink = KafkaSinkAccess.open(broker.secureBootstrap(), "fixed", spool, scram(PASSWORD));
                 var collector = KafkaCollectorAccess.open(broker.secureBootstrap(), "fixed", "fixed-group",
                         scram(PASSWORD))) {
                Await.until(WAIT, () -> sink.sent() == 3, () -> "the spooled batches sent, status " + sink.status());
                Await.until(WAIT, () -> collector.batches().size() >= 3,
                        () -> collector.batches().size() + " of 3 consumed, status " + collector.status());
                assertEquals(List.of(1L, 2L, 3L), collector.batches().stream().map(FlowBatch::sequence).toList());
                assertEquals(0, sink.spooled());
                assertEquals(0L, sink.status().counters().get("dropped"));
            }
        } finally {
            System.setErr(err);
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("Kafka sink"), "the log was captured: " + logged);
        assertFalse(logged.contains(WRONG) || logged.contains(PASSWORD), "no password in the log");
    }

    private static Map<String, Object> scram(String password) {
        return Map.of("security_protocol", "SASL_SSL", "sasl_mechanism", "SCRAM-SHA-512", "sasl_username", USER,
                "sasl_password", password, "ssl_truststore_location", pki.truststore().toString(),
                "ssl_truststore_password", pki.password(), "ssl_keystore_location", pki.keystore().toString(),
                "ssl_keystore_password", pki.password());
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
