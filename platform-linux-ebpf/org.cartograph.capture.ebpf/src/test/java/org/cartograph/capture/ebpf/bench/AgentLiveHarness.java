package org.cartograph.capture.ebpf.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.cartograph.testkit.Cmd;
import org.cartograph.testkit.TestHosts;

/**
 * Live connections tracked by the agent as users run it: starts {@code run-configs/target/agent.jar}
 * (every bundle of the default runtime, eBPF capture, JVM options from {@code CARTOGRAPH_JAVA_OPTS}
 * as {@code bin/cartograph run} uses them), opens N long-lived connections between two namespaces
 * and reports the agent process's resident memory idle and once its capture tracks them all.
 *
 * <p>Usage: {@code ChurnHarness live [connections=100000] agent}.
 */
final class AgentLiveHarness {

    private static final Pattern TRACKED = Pattern.compile(
            "\"component\"\\s*:\\s*\"capture\\.ebpf\".*?\"tracked\"\\s*:\\s*(\\d+)", Pattern.DOTALL);

    private AgentLiveHarness() {
    }

    static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int pairs = (count + LiveHarness.PER_PROCESS - 1) / LiveHarness.PER_PROCESS;
        Path home = Files.createTempDirectory("carto-agent-live");
        Path jar = Path.of(System.getProperty("cartograph.root", "."), "run-configs", "target", "agent.jar")
                .toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no agent at " + jar + ": build first (bin/cartograph build)");
        }
        String opts = System.getenv().getOrDefault("CARTOGRAPH_JAVA_OPTS", "");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.stream(opts.split("\\s+")).filter(o -> !o.isBlank()).toList());
        cmd.addAll(List.of("-Dcartograph.home=" + home, "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile());
        pb.environment().put("CARTOGRAPH_HTTP_PORT", Integer.toString(port));
        pb.environment().put("CARTOGRAPH_INTERVAL", "5");
        pb.environment().put("DD_SYSTEM_PROBE_CONFIG_MAX_TRACKED_CONNECTIONS", Integer.toString(2 * count + 16_384));
        System.out.printf("agent: %s%nJVM options: %s%n", jar, opts.isBlank() ? "(none)" : opts);
        Process agent = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        try (TestHosts hosts = TestHosts.create()) {
            BenchSupport.widenClientPorts(hosts);
            long base = awaitTracked(http, port, agent, 0, Duration.ofSeconds(90));
            settle(Duration.ofSeconds(15));
            System.out.printf("idle: tracked %d; agent RSS %s (peak %s)%n", base, proc(agent, "VmRSS"), proc(agent, "VmHWM"));
            long opened = LiveHarness.connect(hosts, home, count, pairs);
            long tracked = awaitTracked(http, port, agent, 2 * opened, Duration.ofMinutes(3));
            settle(Duration.ofSeconds(15));
            System.out.printf("with %d live connections (%d tracked ends, both on this host): agent RSS %s (peak %s)%n",
                    opened, tracked, proc(agent, "VmRSS"), proc(agent, "VmHWM"));
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            System.out.println(Cmd.run(List.of(jcmd, Long.toString(agent.pid()), "GC.heap_info")).stdout().strip());
            System.out.println(Cmd.run(List.of(jcmd, Long.toString(agent.pid()), "GC.class_histogram")).stdout()
                    .lines().limit(16).collect(Collectors.joining("\n")));
        } finally {
            agent.destroy();
            agent.waitFor();
        }
    }

    /** Polls /status until the eBPF capture tracks at least {@code atLeast} connections; returns the count. */
    private static long awaitTracked(HttpClient http, int port, Process agent, long atLeast, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline && agent.isAlive()) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = TRACKED.matcher(body);
                if (m.find()) {
                    last = Long.parseLong(m.group(1));
                    if (last >= atLeast) {
                        return last;
                    }
                }
            } catch (IOException e) {
                last = -1;
            }
            settle(Duration.ofMillis(500));
        }
        throw new IllegalStateException("agent capture tracked " + last + ", expected " + atLeast
                + (agent.isAlive() ? "" : " (agent exited " + agent.exitValue() + ")"));
    }

    private static void settle(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    private static String proc(Process p, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        return "?";
    }
}
