package org.cartograph.testkit.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one process, from
 * {@code org.apache.kafka:kafka_2.13}) run as a child JVM on loopback ports. It can be stopped
 * and started again on the same ports and data. It always has a PLAINTEXT listener
 * ({@link #bootstrap()}); a secure broker also has a SASL_SSL listener ({@link #secureBootstrap()})
 * that accepts PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 for the given users and requires a client
 * certificate that its truststore trusts (the test certificate).
 *
 * <p>The child JVM's class path is read from the file named by the system property
 * {@code broker.classpath.file} (default {@code target/broker.classpath}): the test class path of
 * a module with {@code kafka_2.13} as a test dependency, written by
 * {@code maven-dependency-plugin:build-classpath}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final String SECURE = "SASL_SSL";

    private final Path dir;
    private final int port;
    private final int securePort;
    private final String classpath;
    private Process process;

    private KafkaBroker(Path dir, int port, int securePort, String classpath) {
        this.dir = dir;
        this.port = port;
        this.securePort = securePort;
        this.classpath = classpath;
    }

    /**
     * Formats the storage and starts a broker with a PLAINTEXT listener only; returns once it answers.
     *
     * @param dir an empty directory for its configuration, data and log
     */
    public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
        KafkaBroker broker = launch(dir, null, Map.of());
        broker.awaitReady();
        return broker;
    }

    /**
     * Formats the storage and starts a broker that also has a SASL_SSL listener with client
     * authentication; returns once it answers.
     *
     * @param dir   an empty directory for its configuration, data and log
     * @param pki   the broker's key store and truststore
     * @param users user name to password, accepted with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512
     */
    public static KafkaBroker startSecure(Path dir, TestPki pki, Map<String, String> users)
            throws IOException, InterruptedException {
        KafkaBroker broker = launch(dir, pki, users);
        broker.awaitReady();
        return broker;
    }

    /** Formats the storage and starts the broker's process; does not wait for it to answer. */
    private static KafkaBroker launch(Path dir, TestPki pki, Map<String, String> users)
            throws IOException, InterruptedException {
        String file = System.getProperty("broker.classpath.file", "target/broker.classpath");
        String classpath = Files.readString(Path.of(file)).strip();
        int port = freePort();
        int controller = freePort();
        int securePort = pki == null ? -1 : freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
        String advertised = "PLAINTEXT://127.0.0.1:" + port + (pki == null ? "" : "," + SECURE + "://127.0.0.1:" + securePort);
        p.put("listeners", advertised + ",CONTROLLER://127.0.0.1:" + controller);
        p.put("advertised.listeners", advertised);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + (pki == null ? "" : ",SASL_SSL:SASL_SSL"));
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "3000");
        p.put("auto.create.topics.enable", "true");
        p.put("log.flush.interval.messages", "1");
        if (pki != null) {
            secure(p, pki, users);
        }
        try (var out = Files.newBufferedWriter(dir.resolve("server.properties"))) {
            p.store(out, "test broker");
        }
        KafkaBroker broker = new KafkaBroker(dir, port, securePort, classpath);
        List<String> format = new ArrayList<>(List.of("format", "-t", Uuid.randomUuid().toString(), "-c",
                dir.resolve("server.properties").toString()));
        users.forEach((user, password) -> {
            for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
                format.add("--add-scram");
                format.add(mechanism + "=[name=" + user + ",password=" + password + "]");
            }
        });
        Process formatting = broker.java("kafka.tools.StorageTool", format.toArray(String[]::new));
        if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
            formatting.destroyForcibly();
            throw new IOException("formatting the broker's storage failed; see " + dir.resolve("broker.log"));
        }
        broker.process = broker.java("kafka.Kafka", dir.resolve("server.properties").toString());
        return broker;
    }

    private static void secure(Properties p, TestPki pki, Map<String, String> users) {
        String listener = "listener.name." + SECURE.toLowerCase() + ".";
        p.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        StringBuilder plain = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) -> plain.append(" user_").append(user).append("=\"").append(password).append('"'));
        p.put(listener + "plain.sasl.jaas.config", plain.append(';').toString());
        for (String mechanism : List.of("scram-sha-256", "scram-sha-512")) {
            p.put(listener + mechanism + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        }
        p.put(listener + "ssl.keystore.location", pki.keystore().toString());
        p.put(listener + "ssl.keystore.type", "PKCS12");
        p.put(listener + "ssl.keystore.password", pki.password());
        p.put(listener + "ssl.key.password", pki.password());
        p.put(listener + "ssl.truststore.location", pki.truststore().toString());
        p.put(listener + "ssl.truststore.type", "PKCS12");
        p.put(listener + "ssl.truststore.password", pki.password());
        p.put(listener + "ssl.client.auth", "required");
    }

    /** @return {@code 127.0.0.1:port} of the PLAINTEXT listener */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /**
     * @return {@code 127.0.0.1:port} of the SASL_SSL listener
     * @throws IllegalStateException if the broker was started without one
     */
    public String secureBootstrap() {
        if (securePort < 0) {
            throw new IllegalStateException("this broker has no SASL_SSL listener; use startSecure");
        }
        return "127.0.0.1:" + securePort;
    }

    /** @return the broker's log file */
    public Path log() {
        return dir.resolve("broker.log");
    }

    /** Starts the broker (again) and waits until it answers. */
    public void start() throws IOException, InterruptedException {
        process = java("kafka.Kafka", dir.resolve("server.properties").toString());
        awaitReady();
    }

    /** Waits until the broker answers. */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("the broker exited with " + process.exitValue() + "; see " + log());
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("the broker did not answer within " + READY_TIMEOUT, e);
                    }
                }
            }
        }
    }

    /** Stops the broker cleanly (SIGTERM) and waits for the process to end. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Creates a topic with this many partitions. */
    public void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    /** @return an admin client on the PLAINTEXT listener; the caller closes it */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private Process java(String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Dlog4j2.level=warn", "-cp", classpath, main));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
