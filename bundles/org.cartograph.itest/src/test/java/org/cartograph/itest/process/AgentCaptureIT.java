package org.cartograph.itest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The agent as users run it, capturing real traffic: two test hosts (network namespaces) talk
 * over TCP with byte counts the test chooses, and the agent's JSON Lines output and query API
 * report exactly those bytes for that connection, attributed to the client's namespace, with
 * the Linux capture backend that runs here. Batches are limited to one flow, so an interval with
 * both ends of the test's connection (both are on this host) reaches the sinks in several batches:
 * the byte counts must still be exact.
 */
class AgentCaptureIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SENT = 12_345;
    private static final int REPLY = 54_321;
    private static final int PORT = 8443;

    @TempDir
    Path dir;

    @Test
    void realTrafficBetweenTwoHostsIsReportedExactly() throws Exception {
        exactBytes(Map.of(), "capture.");
    }

    /**
     * The same through a capture probe started as users start it ({@code bin/cartograph probe}): the
     * agent captures through the probe's socket, not in its own process, with the same numbers; the
     * probe stops on TERM and removes its socket.
     */
    @Test
    void realTrafficThroughACaptureProbeIsReportedExactly() throws Exception {
        Path socket = dir.resolve("probe.sock");
        Path log = dir.resolve("probe.log");
        ProcessBuilder pb = new ProcessBuilder("bash", AgentProcess.ROOT.resolve("bin/cartograph").toString(), "probe",
                "--socket", socket.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("CARTOGRAPH_SKIP_BUILD", "1");
        Process probe = pb.start();
        try {
            Await.until(Duration.ofSeconds(60), "the probe serves on " + socket,
                    () -> read(log).contains("Capture probe serving") || !probe.isAlive());
            assertTrue(probe.isAlive(), () -> "the probe exited: " + read(log));
            exactBytes(Map.of("CARTOGRAPH_CAPTURE_PROBE_SOCKET", socket.toString()), "capture.probe");
        } finally {
            probe.destroy();
            assertTrue(probe.waitFor(30, TimeUnit.SECONDS), () -> "the probe stops on TERM: " + read(log));
        }
        assertFalse(Files.exists(socket), "the probe removed its socket");
        assertTrue(read(log).contains("programs detached"), read(log));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Runs the agent with {@code env} and checks the bytes of one connection, captured by {@code backend}. */
    private void exactBytes(Map<String, String> env, String backend) throws Exception {
        Path jsonl = dir.resolve("flows.jsonl");
        Map<String, String> all = new HashMap<>(env);
        all.putAll(Map.of("CARTOGRAPH_INTERVAL", "1", "CARTOGRAPH_SINKS_JSONL_PATH", jsonl.toString(),
                "CARTOGRAPH_MAX_FLOWS_PER_BATCH", "1"));
        try (TestHosts hosts = TestHosts.create();
             AgentProcess agent = new AgentProcess(dir, null, all)) {
            agent.await(Duration.ofSeconds(60), backend + " running", () -> captureRunning(agent, backend));
            Path server = TestHosts.script(dir, "server.py", """
                    import socket
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("0.0.0.0", %d)); s.listen(1)
                    c, _ = s.accept(); got = 0
                    while got < %d:
                        b = c.recv(65536)
                        if not b: break
                        got += len(b)
                    c.sendall(b"r" * %d); c.recv(1); c.close()
                    """.formatted(PORT, SENT, REPLY));
            Path client = TestHosts.script(dir, "client.py", """
                    import socket, time, sys
                    for i in range(50):
                        try:
                            c = socket.create_connection((sys.argv[1], %d)); break
                        except OSError: time.sleep(0.1)
                    c.sendall(b"q" * %d); got = 0
                    while got < %d:
                        b = c.recv(65536)
                        if not b: break
                        got += len(b)
                    time.sleep(3); c.close(); print(got)
                    """.formatted(PORT, SENT, REPLY));
            hosts.spawn(hosts.b(), dir.resolve("server.log"), "python3", server.toString());
            String printed = hosts.exec(hosts.a(), "python3", client.toString(), hosts.ipB()).ok().stdout().strip();
            assertEquals(String.valueOf(REPLY), printed, "the client got the whole reply");
            long netnsA = TestHosts.inode(hosts.a());
            agent.await(Duration.ofSeconds(60), "the client's connection closed in " + jsonl,
                    () -> clientLines(jsonl, hosts.ipB(), netnsA).stream().anyMatch(n -> n.get("closed").asBoolean()));
            List<JsonNode> lines = clientLines(jsonl, hosts.ipB(), netnsA);
            long sent = lines.stream().mapToLong(n -> n.get("bytes_sent").asLong()).sum();
            long received = lines.stream().mapToLong(n -> n.get("bytes_received").asLong()).sum();
            assertEquals(SENT, sent, "bytes sent by the client, summed over its intervals: " + lines);
            assertEquals(REPLY, received, "bytes received by the client: " + lines);
            JsonNode first = lines.getFirst();
            assertEquals("outgoing", first.get("direction").asText());
            assertEquals(hosts.ipA(), first.get("laddr").asText());
            assertEquals(1, lines.stream().filter(n -> n.get("closed").asBoolean()).count(), "closed once");
            assertTrue(lines.stream().mapToInt(n -> n.get("tcp_established").asInt()).sum() <= 1);
            assertTrue(intervalsInParts(jsonl) > 0, "some interval was published in several batches");
        }
    }

    private static boolean captureRunning(AgentProcess agent, String backend) {
        try {
            JsonNode status = JSON.readTree(agent.get("/status", null, null).body());
            for (JsonNode c : status.get("components")) {
                if (c.get("component").asText().startsWith(backend)
                        && "true".equals(c.get("attributes").path("running").asText())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @return intervals (by time) whose flow lines came in more than one batch, none with more
     *         than one flow
     */
    private static long intervalsInParts(Path jsonl) throws IOException {
        Map<String, Map<Long, Integer>> byTime = new HashMap<>();
        for (String l : Files.readAllLines(jsonl)) {
            JsonNode n = l.isBlank() ? null : JSON.readTree(l);
            if (n != null && "conn".equals(n.path("type").asText())) {
                byTime.computeIfAbsent(n.get("time").asText(), t -> new HashMap<>())
                        .merge(n.get("batch").asLong(), 1, Integer::sum);
            }
        }
        for (Map<Long, Integer> batches : byTime.values()) {
            batches.values().forEach(count -> assertEquals(1, count, "a batch of more than 1 flow: " + byTime));
        }
        return byTime.values().stream().filter(batches -> batches.size() > 1).count();
    }

    private static List<JsonNode> clientLines(Path jsonl, String server, long netns) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(jsonl)) {
            return out;
        }
        try {
            for (String l : Files.readAllLines(jsonl)) {
                if (l.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(l);
                if ("conn".equals(n.path("type").asText()) && n.get("raddr").asText().equals(server)
                        && n.get("rport").asInt() == PORT
                        && n.get("netns").asLong() == netns && "tcp".equals(n.get("protocol").asText())) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }
}
