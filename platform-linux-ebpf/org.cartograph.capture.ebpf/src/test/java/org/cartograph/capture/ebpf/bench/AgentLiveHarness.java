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
 * <p>With {@code probe}, capture runs in a probe process ({@code run-configs/target/probe}, JVM options
 * from {@code CARTOGRAPH_PROBE_JAVA_OPTS} as {@code bin/cartograph probe} uses them) and the agent
 * reads it over its socket; both processes' memory is reported.
 *
 * <p>Usage: {@code ChurnHarness live [connections=100000] agent [probe]}.
 */
final class AgentLiveHarness {

    private static final String TRACKED = "\"component\"\\s*:\\s*\"capture\\.%s\".*?\"tracked\"\\s*:\\s*(\\d+)";

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
        boolean viaProbe = args.length > 2 && args[2].equals("probe");
        Pattern tracked = Pattern.compile(String.format(TRACKED, viaProbe ? "probe" : "ebpf"), Pattern.DOTALL);
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
        Process probe = null;
        if (viaProbe) {
            Path socket = home.resolve("probe.sock");
            probe = startProbe(home, socket, 2 * count + 16_384);
            pb.environment().put("CARTOGRAPH_CAPTURE_PROBE_SOCKET", socket.toString());
        }
        Process agent = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        try (TestHosts hosts = TestHosts.create()) {
            BenchSupport.widenClientPorts(hosts);
            long base = awaitTracked(http, port, agent, tracked, 0, Duration.ofSeconds(90));
            settle(Duration.ofSeconds(15));
            System.out.printf("idle: tracked %d; agent RSS %s (peak %s)%s%n", base, proc(agent, "VmRSS"),
                    proc(agent, "VmHWM"), probeMemory(probe));
            long opened = LiveHarness.connect(hosts, home, count, pairs);
            long ends = awaitTracked(http, port, agent, tracked, 2 * opened, Duration.ofMinutes(3));
            settle(Duration.ofSeconds(15));
            System.out.printf("with %d live connections (%d tracked ends, both on this host): agent RSS %s (peak %s)%s%n",
                    opened, ends, proc(agent, "VmRSS"), proc(agent, "VmHWM"), probeMemory(probe));
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            System.out.println(Cmd.run(List.of(jcmd, Long.toString(agent.pid()), "GC.heap_info")).stdout().strip());
            System.out.println(Cmd.run(List.of(jcmd, Long.toString(agent.pid()), "GC.class_histogram")).stdout()
                    .lines().limit(16).collect(Collectors.joining("\n")));
        } finally {
            agent.destroy();
            agent.waitFor();
            if (probe != null) {
                probe.destroy();
                probe.waitFor();
            }
        }
    }

    /** Starts the probe as {@code bin/cartograph probe} does and waits for its socket. */
    private static Process startProbe(Path home, Path socket, int maxTracked) throws IOException {
        Path classpath = Path.of(System.getProperty("cartograph.root", "."), "run-configs", "target", "probe")
                .toAbsolutePath();
        if (!Files.isDirectory(classpath)) {
            throw new IllegalStateException("no probe at " + classpath + ": build first (bin/cartograph build)");
        }
        String opts = System.getenv().getOrDefault("CARTOGRAPH_PROBE_JAVA_OPTS", "");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.stream(opts.split("\\s+")).filter(o -> !o.isBlank()).toList());
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classpath + "/*",
                "org.cartograph.capture.ebpf.internal.probe.ProbeMain", "--socket", socket.toString(),
                "--max-tracked-connections", Integer.toString(maxTracked)));
        System.out.printf("probe: %s%nprobe JVM options: %s%n", classpath, opts.isBlank() ? "(none)" : opts);
        Process probe = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve("probe.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket) || !Files.readString(home.resolve("probe.log")).contains("serving")) {
            if (!probe.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the probe did not start: " + Files.readString(home.resolve("probe.log")));
            }
            settle(Duration.ofMillis(200));
        }
        return probe;
    }

    private static String probeMemory(Process probe) throws IOException {
        return probe == null ? "" : "; probe RSS " + proc(probe, "VmRSS") + " (peak " + proc(probe, "VmHWM") + ")";
    }

    /** Polls /status until the eBPF (or probe) capture tracks at least {@code atLeast} connections; returns the count. */
    private static long awaitTracked(HttpClient http, int port, Process agent, Pattern tracked, long atLeast,
            Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline && agent.isAlive()) {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = tracked.matcher(body);
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
