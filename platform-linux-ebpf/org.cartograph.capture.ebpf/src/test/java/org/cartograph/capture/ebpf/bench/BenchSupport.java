package org.cartograph.capture.ebpf.bench;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;
import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.cartograph.testkit.Cmd;
import org.cartograph.testkit.TestHosts;

/** What the churn and live-connection benchmarks share: configuration, peers, /proc and bpftool readings. */
final class BenchSupport {

    private BenchSupport() {
    }

    /** The backend's configuration: defaults. */
    record Defaults(String hooks, int drain_interval_ms, boolean preexisting) implements EbpfBackend.Config {
        Defaults() {
            this("auto", 100, true);
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return EbpfBackend.Config.class;
        }
    }

    /** Counts closed connections from one namespace to one port; allocates nothing per connection. */
    static final class Counting implements CaptureContext, ClosedConnectionBuffer {
        final AtomicLong closed = new AtomicLong();
        final AtomicLong bytesSent = new AtomicLong();
        final AtomicLong bytesReceived = new AtomicLong();
        private final long netns;
        private final int port;
        private final int maxTracked;

        Counting(long netns, int port, int maxTracked) {
            this.netns = netns;
            this.port = port;
            this.maxTracked = maxTracked;
        }

        @Override
        public CaptureSettings settings() {
            return new CaptureSettings(maxTracked, 1_000_000, true, true, true, Duration.ofSeconds(1));
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public ClosedConnectionBuffer closedConnections() {
            return this;
        }

        @Override
        public boolean offer(ConnectionView c) {
            if (c.netns() == netns && c.remotePort() == port) {
                closed.incrementAndGet();
                bytesSent.addAndGet(c.bytesSent());
                bytesReceived.addAndGet(c.bytesReceived());
            }
            return true;
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public int capacity() {
            return Integer.MAX_VALUE;
        }
    }

    /**
     * Lets namespace a open connections as fast as the machine allows: a wide ephemeral port range
     * and reuse of ports in TIME_WAIT. The client closes first, so its ends wait in TIME_WAIT for
     * 60 s: without this, a few seconds at 10k conn/s exhaust the ports and every later round
     * measures the port shortage, not the hooks.
     */
    static void widenClientPorts(TestHosts hosts) {
        Cmd.ok("ip", "netns", "exec", hosts.a(), "sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000");
        Cmd.ok("ip", "netns", "exec", hosts.a(), "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1");
    }

    /**
     * Starts the churn server in namespace b and waits until it listens.
     *
     * @return the server process (the caller's {@link TestHosts} stops it)
     */
    static Process startServer(TestHosts hosts, Path dir, int port, int size) throws IOException {
        Process server = hosts.spawn(hosts.b(), dir.resolve("server.log"),
                peer(List.of(), "server", Integer.toString(port), Integer.toString(size)));
        awaitLine(dir.resolve("server.log"), "LISTENING", server, Duration.ofSeconds(30));
        return server;
    }

    /**
     * @param jvmOptions options of the peer's JVM
     * @param args the peer's arguments
     * @return the command line of a {@link ChurnPeer} JVM with this JVM's class path
     */
    static String[] peer(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChurnPeer.class.getName()));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** Waits until a peer's log matches a pattern; returns the match. */
    static Matcher awaitLine(Path log, String regex, Process p, Duration timeout) throws IOException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return m;
            }
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new IllegalStateException("peer printed no " + regex + ": " + text);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /** @return a field of /proc/self/status, e.g. {@code VmRSS} */
    static String status(String field) throws IOException {
        return status(Path.of("/proc/self/status"), field);
    }

    /** @return a field of a process's {@code /proc/PID/status}, e.g. VmHWM */
    static String status(Path procStatus, String field) throws IOException {
        for (String line : Files.readAllLines(procStatus)) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        return "?";
    }

    /** One BPF map as {@code bpftool map show -j} lists it. */
    record BpfMap(long id, String name, String type, long maxEntries, long memlockBytes) {
    }

    /**
     * @return the BPF maps this process holds a file descriptor of (their ids from
     *         {@code /proc/self/fdinfo}), as {@code bpftool map show -j} lists them
     */
    static List<BpfMap> ownBpfMaps() throws IOException, InterruptedException {
        Set<Long> ids = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = Pattern.compile("(?m)^map_id:\\s*(\\d+)").matcher(Files.readString(fd));
                    if (m.find()) {
                        ids.add(Long.parseLong(m.group(1)));
                    }
                } catch (IOException e) {
                    // the descriptor was closed meanwhile
                }
            }
        }
        Process p = new ProcessBuilder("bpftool", "map", "show", "-j").redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        List<BpfMap> maps = new ArrayList<>();
        for (String object : topLevelObjects(json)) {
            long id = number(object, "id");
            if (ids.contains(id)) {
                maps.add(new BpfMap(id, string(object, "name"), string(object, "type"), number(object, "max_entries"),
                        number(object, "bytes_memlock")));
            }
        }
        return maps;
    }

    private static List<String> topLevelObjects(String json) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' && depth++ == 0) {
                start = i;
            } else if (c == '}' && --depth == 0) {
                out.add(json.substring(start, i + 1));
            }
        }
        return out;
    }

    private static String string(String object, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\"([^\"]*)\"").matcher(object);
        return m.find() ? m.group(1) : "";
    }

    private static long number(String object, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(object);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** @return bytes as MiB with one decimal */
    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
