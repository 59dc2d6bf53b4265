package org.cartograph.itest.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.cartograph.testkit.kafka.KafkaBroker;

/**
 * Starts the processes of a Kafka fleet as users run them: collectors ({@code java -jar
 * collector.jar} with a Kafka collector configuration in {@code deploy/} and a JSON Lines sink) and
 * agents ({@code bin/cartograph run} replaying a script under a host name, with the Kafka and JSON
 * Lines sinks). Each gets its own folder under the test's.
 */
final class Fleet {

    static final String JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx384m -Xshare:auto";
    /** Capture and NAT/DNS components of the agent kept off: the replay script is the only traffic. */
    private static final String NOT_NEEDED = "org.cartograph.capture.ebpf.internal.EbpfBackend,"
            + "org.cartograph.capture.netlink.internal.NetlinkBackend,org.cartograph.dns.internal.DnsMonitorComponent,"
            + "org.cartograph.nat.internal.NatResolver";
    private static final Path DEPLOYABLES = Path.of(System.getProperty("cartograph.deployables", "target/deployables"));

    private Fleet() {
    }

    /**
     * @param extraEnv more environment (e.g. another sink); the JSON Lines sink writes
     *                 {@code <dir>/<name>/flows.jsonl}
     */
    static AgentProcess collector(Path dir, String name, KafkaBroker broker, String topic, String group,
                                  Map<String, String> extraEnv) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(home.resolve("deploy"));
        Files.writeString(home.resolve("deploy/org.cartograph.collector.kafka.cfg"), """
                bootstrap.servers=%s
                topic=%s
                group.id=%s
                client.id=%s
                session.timeout.ms=6000
                """.formatted(broker.bootstrap(), topic, group, name));
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("CARTOGRAPH_JAVA_OPTS", JAVA_OPTS);
        env.put("CARTOGRAPH_SINKS_JSONL_PATH", home.resolve("flows.jsonl").toString());
        return AgentProcess.runnableJar(home, "collector.jar", null, env);
    }

    /** An agent in {@code <dir>/<host>} replaying {@code script} every second to the topic and to its flows.jsonl. */
    static AgentProcess agent(Path dir, String host, KafkaBroker broker, String topic, Path script) throws IOException {
        Path home = Files.createDirectories(dir.resolve(host));
        Files.createDirectories(home.resolve("deploy"));
        Files.copy(DEPLOYABLES.resolve("org.cartograph.capture.replay.jar"),
                home.resolve("deploy/org.cartograph.capture.replay.jar"));
        Path config = Files.writeString(home.resolve("cartograph.yaml"), """
                cartograph:
                  interval: 1s
                  capture:
                    replay:
                      script: %s
                """.formatted(script));
        Map<String, String> env = new HashMap<>();
        env.put("CARTOGRAPH_JAVA_OPTS", JAVA_OPTS);
        env.put("CARTOGRAPH_HOST_NAME", host);
        env.put("CARTOGRAPH_SINKS_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap());
        env.put("CARTOGRAPH_SINKS_KAFKA_TOPIC", topic);
        env.put("CARTOGRAPH_SINKS_JSONL_PATH", home.resolve("flows.jsonl").toString());
        env.put("CARTOGRAPH_INTEGRATIONS_DISABLED", NOT_NEEDED);
        return new AgentProcess(home, config, env);
    }
}
