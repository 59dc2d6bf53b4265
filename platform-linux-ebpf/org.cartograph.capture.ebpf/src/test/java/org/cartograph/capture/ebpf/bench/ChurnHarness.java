package org.cartograph.capture.ebpf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.cartograph.testkit.TestHosts;

/**
 * Churn benchmark: short TCP connections between two test namespaces, in alternating rounds
 * without and with the eBPF backend in this JVM (client and server are separate JVMs, so this JVM's
 * CPU is the agent's). A "with" round opens the backend (programs loaded and attached), runs the
 * client, waits until every connection of the round is reported closed, then closes the backend
 * (links destroyed, object freed): "without" rounds run with no program attached at all. Loading
 * and closing happen outside the timed intervals and are listed apart. The ratio of a "with" round
 * is taken against the mean of the "without" rounds on either side of it, so a slow drift of the
 * shared machine cancels out; the median of those ratios is the result.
 *
 * <p>Usage: {@code ChurnHarness [seconds=20] [threads=4] [size=64] [roundSeconds=2] [probe]}: seconds is
 * the measured time per side; with {@code probe}, capture runs in a probe process (its own JVM for the
 * whole run, {@code CARTOGRAPH_PROBE_JAVA_OPTS}), told to load before and to detach after each "with"
 * round, and this JVM reads it as the agent would; before the first timed round, an untimed round of
 * churn warms the probe's compiler (its connections are counted as generated and must be reported
 * too). {@code ChurnHarness live [connections=100000]} runs {@link LiveHarness}.
 */
public final class ChurnHarness {

    private static final int PORT = 5301;
    private static final Pattern DONE = Pattern.compile("DONE (\\d+) (\\d+) (\\d+) ([\\d.E-]+) (\\d+)");

    private ChurnHarness() {
    }

    /** One client round's result. */
    private record Run(long connections, long bytesSent, long bytesReceived, double seconds, long failures) {
        double rate() {
            return connections / seconds;
        }
    }

    /** The client JVM, kept for all rounds. */
    private record Client(Process process, Writer commands, BufferedReader results) {
        Run round(double seconds) throws IOException {
            commands.write("run " + seconds + "\n");
            commands.flush();
            for (String line = results.readLine(); line != null; line = results.readLine()) {
                Matcher m = DONE.matcher(line);
                if (m.find()) {
                    return new Run(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                            Double.parseDouble(m.group(4)), Long.parseLong(m.group(5)));
                }
            }
            throw new IllegalStateException("the client ended without a result");
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        if (args.length > 0 && args[0].equals("live")) {
            LiveHarness.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        double roundSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 2;
        boolean viaProbe = args.length > 4 && args[4].equals("probe");
        int rounds = Math.max(1, (int) Math.round(seconds / roundSeconds));
        Path dir = Files.createTempDirectory("carto-churn");
        try (TestHosts hosts = TestHosts.create()) {
            BenchSupport.widenClientPorts(hosts);
            BenchSupport.startServer(hosts, dir, PORT, size);
            Client client = startClient(hosts, dir, threads, size);
            try {
                run(hosts, client, rounds, roundSeconds, threads, size, viaProbe ? dir : null);
            } finally {
                client.commands().close();
                client.process().destroyForcibly();
            }
        }
    }

    private static Client startClient(TestHosts hosts, Path dir, int threads, int size) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", hosts.a()));
        cmd.addAll(List.of(BenchSupport.peer(List.of(), "rounds", hosts.ipB(), Integer.toString(PORT), Integer.toString(size),
                Integer.toString(threads))));
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("client.err").toFile()).start();
        return new Client(p, new java.io.OutputStreamWriter(p.getOutputStream()),
                new BufferedReader(new InputStreamReader(p.getInputStream())));
    }

    /** @param probeDir where the probe process runs; null for the backend in this JVM */
    private static void run(TestHosts hosts, Client client, int rounds, double roundSeconds, int threads, int size,
            Path probeDir) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        BenchSupport.Counting ctx = new BenchSupport.Counting(TestHosts.inode(hosts.a()), PORT, 131_072);
        System.out.printf("churn: %d rounds of %.1f s per side, %d client threads, %d bytes each way; "
                + "the agent is opened (load + attach) before and closed (detach + free) after each \"with\" round%n",
                rounds, roundSeconds, threads, size);
        Run warm = client.round(roundSeconds);
        System.out.printf("warm-up without agent: %.0f conn/s (not counted)%n", warm.rate());
        List<Run> without = new ArrayList<>();
        List<Run> with = new ArrayList<>();
        long idleCpu = 0;
        long agentCpu = 0;
        long openCloseCpu = 0;
        long openCloseNanos = 0;
        long generated = 0;
        long generatedSent = 0;
        long generatedReceived = 0;
        Map<String, Long> drops = new LinkedHashMap<>();
        String variant = "";
        long probeCpu = 0;
        long probeJit = 0;
        String probePeak = "";
        ProbeRun probe = probeDir == null ? null : ProbeRun.launch(probeDir, 131_072);
        long c0 = os.getProcessCpuTime();
        without.add(client.round(roundSeconds));
        idleCpu += os.getProcessCpuTime() - c0;
        for (int r = 1; r <= rounds; r++) {
            long t0 = System.nanoTime();
            c0 = os.getProcessCpuTime();
            if (probe != null) {
                probe.serve();
            }
            CaptureBackend backend = probe == null ? new EbpfBackend(new BenchSupport.Defaults()) : probe.backend();
            backend.open(ctx);
            backend.start();
            if (probe != null && r == 1) {
                Run warming = client.round(roundSeconds);
                generated += warming.connections();
                generatedSent += warming.bytesSent();
                generatedReceived += warming.bytesReceived();
            }
            long openNanos = System.nanoTime() - t0;
            long c1 = os.getProcessCpuTime();
            long p1 = probe == null ? 0 : probe.cpuNanos();
            long j1 = probe == null ? 0 : probe.compilerNanos();
            openCloseCpu += c1 - c0;
            Run w;
            try {
                Thread snapshots = Thread.ofPlatform().name("churn-snapshots").start(() -> snapshotLoop(backend));
                w = client.round(roundSeconds);
                generated += w.connections();
                generatedSent += w.bytesSent();
                generatedReceived += w.bytesReceived();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (ctx.closed.get() < generated && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                snapshots.interrupt();
                snapshots.join();
                backend.snapshot(v -> { });
                agentCpu += os.getProcessCpuTime() - c1;
                if (probe != null) {
                    probeCpu += probe.cpuNanos() - p1;
                    probeJit += probe.compilerNanos() - j1;
                    probePeak = probe.peakRss();
                }
                backend.status().dropsByCause().forEach((k, v) -> drops.merge(k, v, Long::sum));
                variant = backend.status().variant();
            } finally {
                long t1 = System.nanoTime();
                long c2 = os.getProcessCpuTime();
                backend.close();
                if (probe != null) {
                    probe.stop();
                }
                openCloseNanos += openNanos + System.nanoTime() - t1;
                openCloseCpu += os.getProcessCpuTime() - c2;
            }
            with.add(w);
            c0 = os.getProcessCpuTime();
            Run after = client.round(roundSeconds);
            idleCpu += os.getProcessCpuTime() - c0;
            without.add(after);
            double ratio = w.rate() / ((without.get(r - 1).rate() + after.rate()) / 2);
            System.out.printf("round %2d: without %6.0f, with %6.0f, without %6.0f conn/s -> ratio %.3f; "
                    + "closed reported %d of %d so far; open took %d ms%n", r, without.get(r - 1).rate(), w.rate(),
                    after.rate(), ratio, ctx.closed.get(), generated, openNanos / 1_000_000);
        }
        if (probe != null) {
            probe.close();
        }
        report(without, with, ctx, generated, generatedSent, generatedReceived, drops, variant, idleCpu, agentCpu,
                openCloseCpu, openCloseNanos);
        if (probeDir != null) {
            double withSeconds = with.stream().mapToDouble(Run::seconds).sum();
            System.out.printf("probe process CPU in \"with\" rounds: %.2f s = %.3f cores, of which its JIT compiler "
                    + "threads %.2f s; without them %.3f cores; with this JVM (the agent's end, above): %.3f cores; "
                    + "probe peak RSS %s%n", probeCpu / 1e9, probeCpu / 1e9 / withSeconds, probeJit / 1e9,
                    (probeCpu - probeJit) / 1e9 / withSeconds, (probeCpu - probeJit + agentCpu) / 1e9 / withSeconds,
                    probePeak);
        }
    }

    private static void report(List<Run> without, List<Run> with, BenchSupport.Counting ctx, long generated,
            long generatedSent, long generatedReceived, Map<String, Long> drops, String variant, long idleCpu,
            long agentCpu, long openCloseCpu, long openCloseNanos) throws IOException {
        double[] ratios = new double[with.size()];
        for (int i = 0; i < with.size(); i++) {
            ratios[i] = with.get(i).rate() / ((without.get(i).rate() + without.get(i + 1).rate()) / 2);
        }
        Arrays.sort(ratios);
        int n = ratios.length;
        double median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        double withSeconds = with.stream().mapToDouble(Run::seconds).sum();
        double withoutSeconds = without.stream().mapToDouble(Run::seconds).sum();
        long withConns = with.stream().mapToLong(Run::connections).sum();
        long withoutConns = without.stream().mapToLong(Run::connections).sum();
        double withRate = withConns / withSeconds;
        double withoutRate = withoutConns / withoutSeconds;
        System.out.printf("median ratio with/without over %d rounds: %.3f (min %.3f, max %.3f)%n", n, median, ratios[0],
                ratios[n - 1]);
        System.out.printf("total without agent: %d connections in %.1f s = %.0f conn/s (%d failures)%n", withoutConns,
                withoutSeconds, withoutRate, without.stream().mapToLong(Run::failures).sum());
        System.out.printf("total with agent:    %d connections in %.1f s = %.0f conn/s (%d failures); ratio of totals %.3f%n",
                withConns, withSeconds, withRate, with.stream().mapToLong(Run::failures).sum(), withRate / withoutRate);
        System.out.printf("connections generated %d, reported closed %d, lost %d%n", generated, ctx.closed.get(),
                generated - ctx.closed.get());
        System.out.printf("bytes sent generated %d, reported %d; received generated %d, reported %d%n", generatedSent,
                ctx.bytesSent.get(), generatedReceived, ctx.bytesReceived.get());
        System.out.println("drops: " + drops + ", variant " + variant);
        System.out.printf("agent CPU (this JVM in \"with\" rounds, start() to the last closed connection, snapshots every 1 s): "
                + "%.2f s over %.1f s = %.3f cores at %.0f conn/s%n", agentCpu / 1e9, withSeconds, agentCpu / 1e9 / withSeconds,
                withRate);
        System.out.printf("this JVM idle in \"without\" rounds: %.3f cores; open+close of the backend: %d ms wall, %.2f s CPU "
                + "over %d rounds (outside the timed intervals)%n", idleCpu / 1e9 / withoutSeconds, openCloseNanos / 1_000_000,
                openCloseCpu / 1e9, n);
        System.out.println("agent RSS: " + BenchSupport.status("VmRSS") + ", peak " + BenchSupport.status("VmHWM"));
    }

    private static void snapshotLoop(CaptureBackend backend) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                backend.snapshot(v -> { });
            } catch (CaptureException e) {
                System.out.println("snapshot failed: " + e.getMessage());
            }
            LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
        }
    }
}
