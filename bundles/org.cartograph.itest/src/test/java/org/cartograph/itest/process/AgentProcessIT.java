package org.cartograph.itest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The exported agent jar run as a process through {@code bin/cartograph run}: a replay backend
 * dropped into {@code deploy/} feeds the real pipeline, the JSONL sink writes the deltas the
 * script implies, {@code /status} reports it all, the console refuses everyone but the holder of
 * the generated credentials, and a bad configuration file stops start-up with one clear message.
 */
class AgentProcessIT {

    private static final Duration START = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEPLOYABLES = Path.of(System.getProperty("cartograph.deployables", "target/deployables"));

    @TempDir
    Path dir;

    @Test
    void agentReplaysScriptIntoJsonlAndReportsStatus() throws Exception {
        Files.createDirectories(dir.resolve("deploy"));
        Files.copy(DEPLOYABLES.resolve("org.cartograph.capture.replay.jar"), dir.resolve("deploy/org.cartograph.capture.replay.jar"));
        Path script = dir.resolve("replay.yaml");
        Files.writeString(script, """
                steps:
                  - open:
                      - {protocol: tcp, laddr: 192.0.2.10, lport: 51000, raddr: 198.51.100.7, rport: 5432, cookie: 11,
                         pid: 4242, process: psql, direction: outgoing, bytes_sent: 100, bytes_received: 1000,
                         packets_sent: 2, packets_received: 3, rtt_us: 250, rtt_var_us: 40, established: 1}
                  - open:
                      - {protocol: tcp, laddr: 192.0.2.10, lport: 51000, raddr: 198.51.100.7, rport: 5432, cookie: 11,
                         pid: 4242, process: psql, direction: outgoing, bytes_sent: 300, bytes_received: 5000,
                         packets_sent: 5, packets_received: 9, retransmits: 1, rtt_us: 260, rtt_var_us: 41, established: 1}
                    close:
                      - {protocol: udp, laddr: "2001:db8::1", lport: 40000, raddr: "2001:db8::53", rport: 53, cookie: 12,
                         pid: 99, process: resolver, bytes_sent: 40, bytes_received: 120, packets_sent: 1, packets_received: 1}
                  - close:
                      - {protocol: tcp, laddr: 192.0.2.10, lport: 51000, raddr: 198.51.100.7, rport: 5432, cookie: 11,
                         pid: 4242, process: psql, direction: outgoing, bytes_sent: 350, bytes_received: 5100,
                         packets_sent: 6, packets_received: 10, retransmits: 1, rtt_us: 270, rtt_var_us: 42,
                         established: 1, closed: 1}
                  - open:
                      - {protocol: tcp, laddr: 192.0.2.10, lport: 51001, raddr: 198.51.100.7, rport: 5432, cookie: 13,
                         failure_errno: 111}
                """);
        Path jsonl = dir.resolve("out/flows.jsonl");
        Path config = dir.resolve("cartograph.yaml");
        Files.writeString(config, """
                system_probe_config:
                  enabled: true
                  max_tracked_connections: 200000
                network_config:
                  enabled: true
                cartograph:
                  interval: 1s
                  capture:
                    replay:
                      script: %s
                """.formatted(script));
        try (AgentProcess agent = new AgentProcess(dir, config, Map.of("CARTOGRAPH_SINKS_JSONL_PATH", jsonl.toString()))) {
            // the host's own traffic is captured too: wait for the replayed connections' lines
            agent.await(START, "the replayed flow lines in " + jsonl, () -> {
                List<JsonNode> l = lines(jsonl);
                return l.stream().filter(n -> replayed(n, 51000)).count() >= 3
                        && l.stream().anyMatch(n -> replayed(n, 40000));
            });
            List<JsonNode> lines = lines(jsonl);
            JsonNode t1 = find(lines, "tcp", 51000, 0);
            assertEquals(100, t1.get("bytes_sent").asLong());
            assertEquals(1000, t1.get("bytes_received").asLong());
            assertEquals(1, t1.get("tcp_established").asInt());
            assertEquals("psql", t1.get("process").asText());
            assertEquals(4242, t1.get("pid").asInt());
            assertEquals("outgoing", t1.get("direction").asText());
            assertEquals("v4", t1.get("family").asText());
            assertEquals("198.51.100.7", t1.get("raddr").asText());
            assertEquals(250, t1.get("rtt_us").asInt());
            JsonNode t2 = find(lines, "tcp", 51000, 1);
            assertEquals(200, t2.get("bytes_sent").asLong());
            assertEquals(4000, t2.get("bytes_received").asLong());
            assertEquals(1, t2.get("retransmits").asLong());
            assertEquals(0, t2.get("tcp_established").asInt(), "established is counted once");
            JsonNode t3 = find(lines, "tcp", 51000, 2);
            assertEquals(50, t3.get("bytes_sent").asLong(), "the closed connection reports its last bytes once");
            assertEquals(100, t3.get("bytes_received").asLong());
            assertTrue(t3.get("closed").asBoolean());
            assertEquals(1, t3.get("tcp_closed").asInt());
            assertEquals(t1.get("batch").asLong() + 2, t3.get("batch").asLong());
            JsonNode udp = find(lines, "udp", 40000, 0);
            assertEquals("v6", udp.get("family").asText());
            assertEquals("2001:db8::53", udp.get("raddr").asText());
            assertEquals(40, udp.get("bytes_sent").asLong());
            agent.await(START, "the refused connection", () -> lines(jsonl).stream()
                    .anyMatch(n -> replayed(n, 51001)));
            JsonNode refused = find(lines(jsonl), "tcp", 51001, 0);
            assertEquals(1, refused.get("tcp_failures").get("111").asInt());
            long batchesNow = pipelineBatches(agent);
            agent.await(START, "three more intervals", () -> pipelineBatches(agent) >= batchesNow + 3);
            List<JsonNode> all = lines(jsonl);
            assertEquals(3, all.stream().filter(n -> replayed(n, 51000)).count(),
                    "each interval of the connection reported once, nothing after its close");
            assertEquals(1, all.stream().filter(n -> replayed(n, 40000)).count());
            assertEquals(1, all.stream().filter(n -> replayed(n, 51001)).count());

            AgentProcess.HttpResult status = agent.get("/status", null, null);
            assertEquals(200, status.code(), status.body());
            JsonNode s = JSON.readTree(status.body());
            JsonNode capture = component(s, "capture.replay");
            assertEquals("true", capture.get("attributes").get("running").asText());
            JsonNode queue = component(s, "sink.jsonl.queue");
            assertTrue(queue.get("counters").get("delivered").asLong() >= 4);
            assertEquals(0, queue.get("counters").get("dropped").asLong());
            JsonNode sink = component(s, "sink.jsonl");
            assertEquals(all.size(), sink.get("counters").get("lines_written").asLong());
            assertTrue(status.body().contains("\"org.cartograph.core\""), "bundles are listed");
            assertFalse(status.body().toLowerCase().contains("password\" :"), "no secret in status");

            assertConsoleGuarded(agent);
            assertListensOnLoopbackOnly(agent.port);
        }
    }

    private void assertConsoleGuarded(AgentProcess agent) throws IOException {
        assertEquals(401, agent.get("/system/console/bundles", null, null).code(), "no credentials");
        assertEquals(401, agent.get("/system/console/bundles", "admin", "admin").code(), "Felix's default password");
        Path file = dir.resolve("data/console-credentials.properties");
        assertTrue(Files.exists(file), "generated credentials are stored");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        String out = agent.out();
        Matcher m = Pattern.compile("generated password '([^']+)'").matcher(out);
        assertTrue(m.find(), "the generated password is printed once at first start");
        assertEquals(p.getProperty("password"), m.group(1));
        assertFalse(m.find(), "printed only once");
        assertFalse(agent.err().contains(p.getProperty("password")), "the password is not in the log");
        assertEquals(200, agent.get("/system/console/bundles", p.getProperty("user"), p.getProperty("password")).code());
    }

    private static void assertListensOnLoopbackOnly(int port) throws IOException {
        String hex = String.format(":%04X ", port);
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(hex.trim()) && f[3].equals("0A")) {
                    listening.add(f[1]);
                }
            }
        }
        assertFalse(listening.isEmpty(), "the agent listens on " + port);
        for (String local : listening) {
            String addr = local.substring(0, local.indexOf(':'));
            boolean loopback = addr.equals("0100007F") || addr.equals("0000000000000000FFFF00000100007F")
                    || addr.equals("00000000000000000000000001000000");
            assertTrue(loopback, "listens on a loopback address only, got " + local);
        }
    }

    @Test
    void invalidConfigurationStopsStartUpNamingFileLineAndKey() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                network_config:
                  enabled: true
                cartograph:
                  interval: often
                """);
        try (AgentProcess agent = new AgentProcess(dir, config, Map.of())) {
            int code = agent.waitForExit(START);
            assertEquals(78, code, "exit status for a configuration error");
            String err = agent.err();
            assertTrue(err.contains(config + ":4"), "names file and line: " + err);
            assertTrue(err.contains("cartograph.interval"), "names the key: " + err);
            assertFalse(Files.exists(dir.resolve("data/console-credentials.properties")), "nothing started");
        }
    }

    private static long pipelineBatches(AgentProcess agent) {
        try {
            return component(JSON.readTree(agent.get("/status", null, null).body()), "pipeline")
                    .get("counters").get("batches").asLong();
        } catch (IOException | AssertionError e) {
            return -1;
        }
    }

    private static JsonNode component(JsonNode status, String name) {
        for (JsonNode c : status.get("components")) {
            if (c.get("component").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + status);
    }

    /** A line of the replay script's connections (documentation addresses), not of the host's own traffic. */
    private static boolean replayed(JsonNode n, int lport) {
        String laddr = n.get("laddr").asText();
        return n.get("lport").asInt() == lport && (laddr.equals("192.0.2.10") || laddr.equals("2001:db8::1"));
    }

    private static JsonNode find(List<JsonNode> lines, String protocol, int lport, int index) {
        List<JsonNode> matching = lines.stream()
                .filter(n -> n.get("protocol").asText().equals(protocol) && replayed(n, lport)).toList();
        if (matching.size() <= index) {
            throw new AssertionError("no line #" + index + " for " + protocol + " lport " + lport + " in " + lines);
        }
        return matching.get(index);
    }

    private static List<JsonNode> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank()) {
                    JsonNode n = JSON.readTree(l);
                    if ("conn".equals(n.path("type").asText())) {
                        out.add(n);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
