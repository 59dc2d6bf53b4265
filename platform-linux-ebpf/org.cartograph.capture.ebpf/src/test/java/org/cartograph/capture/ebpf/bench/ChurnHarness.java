package org.cartograph.capture.ebpf.bench;

import java.lang.annotation.Annotation;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;
import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.cartograph.testkit.TestHosts;

/**
 * Churn benchmark: short TCP connections between two test namespaces, once without and once with
 * the eBPF backend running in this JVM (client and server are separate JVMs, so this JVM's CPU is
 * the agent's). Prints connections/s both ways and their ratio, connections and bytes generated
 * vs reported closed, agent CPU seconds and peak RSS.
 *
 * <p>Usage: {@code ChurnHarness [seconds=10] [threads=4] [size=64]}
 */
public final class ChurnHarness {

    private static final int PORT = 5301;

    private ChurnHarness() {
    }

    /** The backend's configuration: defaults. */
    private record Defaults(String hooks, int drain_interval_ms, boolean preexisting) implements EbpfBackend.Config {
        @Override
        public Class<? extends Annotation> annotationType() {
            return EbpfBackend.Config.class;
        }
    }

    /** Counts closed connections from the client namespace to the benchmark port; allocates nothing. */
    private static final class Counting implements CaptureContext, ClosedConnectionBuffer {
        final AtomicLong closed = new AtomicLong();
        final AtomicLong bytesSent = new AtomicLong();
        final AtomicLong bytesReceived = new AtomicLong();
        final long netns;

        Counting(long netns) {
            this.netns = netns;
        }

        @Override
        public CaptureSettings settings() {
            return new CaptureSettings(131_072, 1_000_000, true, true, true, Duration.ofSeconds(1));
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
            if (c.netns() == netns && c.remotePort() == PORT) {
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

    /** The client's result. */
    private record Run(long connections, long bytesSent, long bytesReceived, double seconds, long failures) {
        double rate() {
            return connections / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        Path dir = Files.createTempDirectory("carto-churn");
        try (TestHosts hosts = TestHosts.create()) {
            Process server = hosts.spawn(hosts.b(), dir.resolve("server.log"), java("server", Integer.toString(PORT),
                    Integer.toString(size)));
            awaitLine(dir.resolve("server.log"), "LISTENING", server);
            Run without = client(hosts, dir, "without", seconds, threads, size);
            System.out.printf("without agent: %d connections in %.1f s = %.0f conn/s (%d failures)%n",
                    without.connections(), without.seconds(), without.rate(), without.failures());

            Counting ctx = new Counting(TestHosts.inode(hosts.a()));
            EbpfBackend backend = new EbpfBackend(new Defaults("auto", 100, true));
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            backend.open(ctx);
            backend.start();
            long cpu0 = os.getProcessCpuTime();
            Run with;
            long cpu1;
            try {
                Thread snapshots = Thread.ofPlatform().name("churn-snapshots").start(() -> snapshotLoop(backend));
                with = client(hosts, dir, "with", seconds, threads, size);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (ctx.closed.get() < with.connections() && System.nanoTime() < deadline) {
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
                snapshots.interrupt();
                snapshots.join();
                backend.snapshot(v -> { });
                System.out.printf("with agent:    %d connections in %.1f s = %.0f conn/s (%d failures)%n",
                        with.connections(), with.seconds(), with.rate(), with.failures());
                System.out.printf("ratio with/without: %.3f%n", with.rate() / without.rate());
                System.out.printf("connections generated %d, reported closed %d, lost %d%n", with.connections(),
                        ctx.closed.get(), with.connections() - ctx.closed.get());
                System.out.printf("bytes sent generated %d, reported %d; received generated %d, reported %d%n",
                        with.bytesSent(), ctx.bytesSent.get(), with.bytesReceived(), ctx.bytesReceived.get());
                System.out.println("drops: " + backend.status().dropsByCause() + ", variant " + backend.status().variant());
                cpu1 = os.getProcessCpuTime();
            } finally {
                backend.close();
            }
            double cpu = (cpu1 - cpu0) / 1e9;
            System.out.printf("agent CPU (this JVM from start() to the last closed connection, snapshots every 1 s): %.2f s over %.1f s = %.3f cores at %.0f conn/s%n", cpu, with.seconds(),
                    cpu / with.seconds(), with.rate());
            System.out.println("agent RSS: " + status("VmRSS") + ", peak " + status("VmHWM"));
        }
    }

    private static void snapshotLoop(EbpfBackend backend) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                backend.snapshot(v -> { });
            } catch (Exception e) {
                System.out.println("snapshot failed: " + e.getMessage());
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
    }

    private static Run client(TestHosts hosts, Path dir, String name, double seconds, int threads, int size) throws Exception {
        Path log = dir.resolve(name + ".log");
        Process p = hosts.spawn(hosts.a(), log, java("client", hosts.ipB(), Integer.toString(PORT), Double.toString(seconds),
                Integer.toString(size), Integer.toString(threads)));
        p.waitFor();
        Matcher m = Pattern.compile("DONE (\\d+) (\\d+) (\\d+) ([\\d.]+) (\\d+)").matcher(Files.readString(log));
        if (!m.find()) {
            throw new IllegalStateException("client printed no result: " + Files.readString(log));
        }
        return new Run(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Double.parseDouble(m.group(4)), Long.parseLong(m.group(5)));
    }

    private static String[] java(String... args) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] cmd = new String[4 + args.length];
        cmd[0] = javaBin;
        cmd[1] = "-cp";
        cmd[2] = System.getProperty("java.class.path");
        cmd[3] = ChurnPeer.class.getName();
        System.arraycopy(args, 0, cmd, 4, args.length);
        return cmd;
    }

    private static void awaitLine(Path log, String word, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(word))) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                throw new IllegalStateException("server did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static String status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        return "?";
    }
}
