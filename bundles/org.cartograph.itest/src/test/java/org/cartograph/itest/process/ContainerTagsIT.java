package org.cartograph.itest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.cartograph.testkit.Podman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Issue 6 end to end: the agent as users run it, with eBPF capture, the JSON Lines sink and the
 * Docker provider pointed at podman's Docker-compatible API service, and real containers making
 * real TCP traffic on podman's network. The flows of each container carry its
 * {@code container_name}, {@code container_id}, {@code image_name} and a label mapped to a tag;
 * a container started after the agent is tagged from the interval after its first flow on; once
 * a container is removed, traffic that still lives in its network namespace (a host process that
 * entered it, so neither its pid nor its cgroup names the container) is no longer tagged with it.
 */
class ContainerTagsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HTTP_PORT = 8080;
    private static final int LOOP_PORT = 9099;
    private static final String TEAM_LABEL = "com.example.team";
    private static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    Path dir;
    private Process handedOver;

    @Test
    void flowsOfRealContainersCarryTheirTagsUntilTheContainerIsRemoved() throws Exception {
        Path podmanDir = Files.createTempDirectory("cgpod"); // podman refuses a runroot longer than 50 characters
        try (Podman podman = Podman.start(podmanDir, 150 + (int) (ProcessHandle.current().pid() % 50))) {
            try {
                exercise(podman);
            } finally {
                if (handedOver != null) {
                    handedOver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void exercise(Podman podman) throws Exception {
        String earlyId = podman.runContainer("early", Map.of(TEAM_LABEL, "alpha"),
                "httpd", "-f", "-p", String.valueOf(HTTP_PORT), "-h", "/");
        String earlyIp = podman.address("early");
        long earlyNetns = netns(podman.pid("early"));
        Path jsonl = dir.resolve("flows.jsonl");
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("deploy/org.cartograph.metadata.docker.cfg"),
                "host = unix://" + podman.socket() + "\nlabels.as.tags = " + TEAM_LABEL + "=team\n");
        try (AgentProcess agent = new AgentProcess(dir, null, Map.of("CARTOGRAPH_INTERVAL", "1",
                "CARTOGRAPH_SINKS_JSONL_PATH", jsonl.toString(), "DOCKER_HOST", ""))) {
            agent.await(Duration.ofSeconds(60), "eBPF capture running and the Docker provider synced",
                    () -> component(agent, "capture.ebpf", "running").equals("true")
                            && component(agent, "metadata.docker", "containers").equals("1"));

            String lateId = podman.runContainer("late", Map.of(TEAM_LABEL, "beta"), "sh", "-c",
                    "while true; do wget -q -O /dev/null http://" + earlyIp + ":" + HTTP_PORT
                            + "/bin/busybox; sleep 0.3; done");
            long lateNetns = netns(podman.pid("late"));
            Predicate<JsonNode> lateClient = n -> n.get("netns").asLong() == lateNetns
                    && n.get("rport").asInt() == HTTP_PORT;
            Predicate<JsonNode> earlyServer = n -> n.get("netns").asLong() == earlyNetns
                    && n.get("lport").asInt() == HTTP_PORT;

            agent.await(WAIT, "flows of both containers, the late one's in two intervals, in " + jsonl,
                    () -> !afterFirstBatch(lines(jsonl, lateClient)).isEmpty()
                            && lines(jsonl, earlyServer).stream()
                                    .anyMatch(n -> "early".equals(local(n, "container_name"))));
            assertContainerTags(lines(jsonl, earlyServer), "early", earlyId, "alpha");
            List<JsonNode> late = lines(jsonl, lateClient);
            assertContainerTags(afterFirstBatch(late), "late", lateId, "beta");
            assertTrue(late.stream().anyMatch(n -> "early".equals(remote(n, "container_name"))),
                    "the server end of the late container's flows is named by its address: " + late);

            handedOver = enter(podman.pid("late"), dir.resolve("loop.py"));
            Predicate<JsonNode> inLateNetns = n -> n.get("netns").asLong() == lateNetns
                    && (n.get("lport").asInt() == LOOP_PORT || n.get("rport").asInt() == LOOP_PORT);
            agent.await(WAIT, "a host process in the late container's netns tagged by its netns",
                    () -> lines(jsonl, inLateNetns).stream().anyMatch(n -> lateId.equals(local(n, "container_id"))));

            podman.remove("late");
            long removedAt = lastBatch(jsonl);
            agent.await(WAIT, "flows in the late container's netns two intervals after its removal",
                    () -> lines(jsonl, inLateNetns).stream().anyMatch(n -> n.get("batch").asLong() > removedAt + 2));
            List<JsonNode> after = lines(jsonl, inLateNetns).stream()
                    .filter(n -> n.get("batch").asLong() > removedAt + 1).toList();
            for (JsonNode n : after) {
                assertEquals("", local(n, "container_id"), "no container left in that netns: " + n);
                assertEquals("", local(n, "team"), "no label of the removed container: " + n);
            }
            agent.await(WAIT, "the Docker provider holding only the early container",
                    () -> component(agent, "metadata.docker", "containers").equals("1"));
        }
    }

    /** @return the lines after the first batch that has any of them: a new container is tagged by then */
    private static List<JsonNode> afterFirstBatch(List<JsonNode> lines) {
        long first = lines.stream().mapToLong(n -> n.get("batch").asLong()).min().orElse(Long.MAX_VALUE);
        return lines.stream().filter(n -> n.get("batch").asLong() > first).toList();
    }

    private static void assertContainerTags(List<JsonNode> lines, String name, String id, String team) {
        assertFalse(lines.isEmpty(), "flows of " + name);
        for (JsonNode n : lines) {
            assertEquals(name, local(n, "container_name"), "container_name of " + n);
            assertEquals(id, local(n, "container_id"), "container_id of " + n);
            assertEquals("localhost/busybox", local(n, "image_name"), "image_name of " + n);
            assertEquals(team, local(n, "team"), "mapped label of " + n);
        }
    }

    /**
     * Starts a host process (not in the container's cgroup) inside a container's network
     * namespace: a loopback server and a client connecting to it every 200 ms.
     */
    private static Process enter(int containerPid, Path script) throws IOException {
        Files.writeString(script, """
                import socket, threading, time
                srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.bind(("127.0.0.1", %d)); srv.listen(16)
                def serve():
                    while True:
                        c, _ = srv.accept(); c.recv(1024); c.sendall(b"pong" * 64); c.close()
                threading.Thread(target=serve, daemon=True).start()
                while True:
                    c = socket.create_connection(("127.0.0.1", %d)); c.sendall(b"ping" * 64)
                    c.recv(1024); c.close(); time.sleep(0.2)
                """.formatted(LOOP_PORT, LOOP_PORT));
        return new ProcessBuilder("nsenter", "--net=/proc/" + containerPid + "/ns/net", "python3", script.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long netns(int pid) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "ns", "net")).toString();
        return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    }

    /** @return an attribute or counter of a component in {@code /status}, or "" */
    private static String component(AgentProcess agent, String name, String attribute) {
        try {
            JsonNode status = JSON.readTree(agent.get("/status", null, null).body());
            for (JsonNode c : status.get("components")) {
                if (c.get("component").asText().equals(name)) {
                    JsonNode v = c.path("attributes").path(attribute);
                    return (v.isMissingNode() ? c.path("counters").path(attribute) : v).asText();
                }
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String local(JsonNode line, String tag) {
        return line.path("tags").path("local").path(tag).asText("");
    }

    private static String remote(JsonNode line, String tag) {
        return line.path("tags").path("remote").path(tag).asText("");
    }

    private static long lastBatch(Path jsonl) {
        return all(jsonl).stream().mapToLong(n -> n.path("batch").asLong()).max().orElse(0);
    }

    private static List<JsonNode> lines(Path jsonl, Predicate<JsonNode> which) {
        return all(jsonl).stream().filter(n -> "conn".equals(n.path("type").asText())
                && "tcp".equals(n.path("protocol").asText())).filter(which).toList();
    }

    private static List<JsonNode> all(Path jsonl) {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(jsonl)) {
            return out;
        }
        List<String> text;
        try {
            text = Files.readAllLines(jsonl);
        } catch (IOException e) {
            return out;
        }
        for (String l : text) {
            try {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            } catch (IOException e) {
                // the line the sink is writing right now: read again at the next poll
            }
        }
        return out;
    }
}
