package org.cartograph.itest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.cartograph.testkit.kafka.KafkaBroker;
import org.cartograph.testkit.kafka.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Kafka with TLS and SASL inside the real OSGi runtimes: an agent ({@code java -jar agent.jar})
 * publishes with SCRAM-SHA-512, a PEM truststore and a client certificate, and a collector
 * ({@code java -jar collector.jar}) consumes with SCRAM-SHA-256 and a password file, from a broker
 * whose SASL_SSL listener requires both. So the embedded client's login modules, SASL and TLS
 * classes load from the bundle, and no password reaches a log or {@code /status}.
 */
class SecureKafkaIT {

    private static final Duration START = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEPLOYABLES = Path.of(System.getProperty("cartograph.deployables", "target/deployables"));
    private static final String JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m -Xshare:auto";
    private static final String NOT_NEEDED = "org.cartograph.capture.ebpf.internal.EbpfBackend,"
            + "org.cartograph.capture.netlink.internal.NetlinkBackend,org.cartograph.dns.internal.DnsMonitorComponent,"
            + "org.cartograph.nat.internal.NatResolver";
    private static final String PASSWORD = "Fleet-Secret-4e2b";
    private static final String HOST = "secure-agent";

    @TempDir
    Path dir;

    @Test
    void agentAndCollectorTalkSaslSslInsideOsgi() throws Exception {
        TestPki pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        Path passwordFile = Files.writeString(dir.resolve("kafka-password"), PASSWORD + "\n");
        try (KafkaBroker broker = KafkaBroker.startSecure(Files.createDirectories(dir.resolve("broker")), pki,
                Map.of("alice", PASSWORD))) {
            broker.createTopic("secure.flows", 1);
            String common = """
                    bootstrap.servers=%s
                    topic=secure.flows
                    security.protocol=SASL_SSL
                    sasl.username=alice
                    ssl.keystore.location=%s
                    ssl.keystore.password=%s
                    """.formatted(broker.secureBootstrap(), pki.keystore(), pki.password());
            Path collectorHome = home("collector", "org.cartograph.collector.kafka.cfg", common + """
                    group.id=secure
                    sasl.mechanism=SCRAM-SHA-256
                    sasl.password.file=%s
                    ssl.truststore.location=%s
                    ssl.truststore.password=%s
                    """.formatted(passwordFile, pki.truststore(), pki.password()));
            Path agentHome = home(HOST, "org.cartograph.sink.kafka.cfg", common + """
                    sasl.mechanism=SCRAM-SHA-512
                    sasl.password=%s
                    ssl.truststore.certificates=%s
                    """.formatted(PASSWORD, pki.certificate()));
            Files.copy(DEPLOYABLES.resolve("org.cartograph.capture.replay.jar"),
                    agentHome.resolve("deploy/org.cartograph.capture.replay.jar"));
            Path script = Files.writeString(dir.resolve("replay.yaml"), """
                    steps:
                      - open:
                          - {id: c, protocol: tcp, laddr: 192.0.2.10, lport: 51000, raddr: 198.51.100.7, rport: 9093,
                             cookie: 1, bytes_sent: 100, bytes_received: 200, established: 1}
                    repeat: true
                    """);
            Path config = Files.writeString(agentHome.resolve("cartograph.yaml"), """
                    cartograph:
                      interval: 1s
                      capture:
                        replay:
                          script: %s
                    """.formatted(script));
            try (AgentProcess collector = AgentProcess.runnableJar(collectorHome, "collector.jar", null,
                    Map.of("CARTOGRAPH_JAVA_OPTS", JAVA_OPTS,
                            "CARTOGRAPH_SINKS_JSONL_PATH", collectorHome.resolve("flows.jsonl").toString()));
                 AgentProcess agent = AgentProcess.runnableJar(agentHome, "agent.jar", config,
                         Map.of("CARTOGRAPH_JAVA_OPTS", JAVA_OPTS, "CARTOGRAPH_HOST_NAME", HOST,
                                 "CARTOGRAPH_INTEGRATIONS_DISABLED", NOT_NEEDED,
                                 "CARTOGRAPH_SINKS_JSONL_PATH", agentHome.resolve("flows.jsonl").toString()))) {
                collector.await(START, "3 batches of the agent at the collector over SASL_SSL",
                        () -> sequences(collector.dir.resolve("flows.jsonl")).size() >= 3);
                JsonNode sink = component(agent, "sink.kafka");
                assertEquals("OK", sink.path("health").asText(), sink.toString());
                assertEquals("SASL_SSL, SCRAM-SHA-512 as alice", sink.path("attributes").path("security").asText());
                JsonNode consumer = component(collector, "collector.kafka");
                assertEquals("SASL_SSL, SCRAM-SHA-256 as alice", consumer.path("attributes").path("security").asText());
                SortedSet<Long> consumed = sequences(collector.dir.resolve("flows.jsonl"));
                SortedSet<Long> produced = sequences(agent.dir.resolve("flows.jsonl")).subSet(consumed.first(),
                        consumed.last() + 1);
                collector.await(Duration.ofSeconds(60), "every batch of the agent at the collector",
                        () -> sequences(collector.dir.resolve("flows.jsonl")).containsAll(produced));
                for (AgentProcess p : List.of(agent, collector)) {
                    String shown = p.out() + p.err() + p.get("/status", null, null).body();
                    assertFalse(shown.contains(PASSWORD), "no password in the log or /status of " + p.dir);
                }
            }
        }
    }

    private Path home(String name, String cfgFile, String cfg) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(home.resolve("deploy"));
        Files.writeString(home.resolve("deploy").resolve(cfgFile), cfg);
        return home;
    }

    private static JsonNode component(AgentProcess p, String name) throws IOException {
        for (JsonNode c : JSON.readTree(p.get("/status", null, null).body()).path("components")) {
            if (c.path("component").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in the status of " + p.dir);
    }

    private static SortedSet<Long> sequences(Path jsonl) {
        SortedSet<Long> seqs = new TreeSet<>();
        List<String> lines;
        try {
            lines = Files.exists(jsonl) ? Files.readAllLines(jsonl) : List.of();
        } catch (IOException e) {
            return seqs;
        }
        for (String l : lines) {
            try {
                JsonNode n = JSON.readTree(l);
                if ("conn".equals(n.path("type").asText()) && HOST.equals(n.path("host").asText())) {
                    seqs.add(n.get("batch").asLong());
                }
            } catch (IOException e) {
                // the line being written: read again at the next poll
            }
        }
        return seqs;
    }
}
