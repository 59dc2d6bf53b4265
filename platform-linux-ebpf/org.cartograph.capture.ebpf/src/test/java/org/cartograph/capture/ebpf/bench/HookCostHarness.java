package org.cartograph.capture.ebpf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.capture.ebpf.internal.ClosedRing;
import org.cartograph.capture.ebpf.internal.ProgramSet;
import org.cartograph.capture.ebpf.internal.ffm.LibbpfLoader;
import org.cartograph.testkit.TestHosts;

/**
 * In-kernel cost of the hooks per churned TCP connection, for two or more compiled objects side by
 * side: rounds of the churn client run with each object loaded and attached in turn (A, B, A, B, ...),
 * with {@code kernel.bpf_stats_enabled=1}; each program's {@code run_time_ns} and {@code run_cnt} are
 * read with bpftool before the object is closed. Prints ns per call, calls and ns per connection for
 * each program and object, and each object's total relative to the first. The closed ring is drained
 * as the backend does, so the programs take the same paths.
 *
 * <p>Usage: {@code HookCostHarness OBJECT.o OBJECT.o... [-rounds N=4] [-seconds S=2] [-threads T=4] [-size B=64]}
 * (objects built by {@code src/main/bpf/build.sh}, e.g. from an older {@code conn.bpf.c}).
 */
public final class HookCostHarness {

    private static final int PORT = 5302;
    private static final List<String> TRACEPOINTS = List.of("carto_send_btf", "carto_recv_btf", "carto_state_btf");
    private static final List<String> CGROUP_PROGRAMS = List.of("carto_sock_rel", "carto_skb_out", "carto_skb_in",
            "carto_udp_send4", "carto_udp_send6", "carto_udp_recv4", "carto_udp_recv6");
    private static final Pattern DONE = Pattern.compile("DONE (\\d+) ");
    private static final Pattern PROG_ID = Pattern.compile("(?m)^prog_id:\\s*(\\d+)");

    private HookCostHarness() {
    }

    /** Accumulated program statistics of one object. */
    private static final class Totals {
        final Map<String, long[]> programs = new LinkedHashMap<>();
        long connections;
    }

    /**
     * @param args the objects to compare, then the options (see the class comment)
     * @throws Exception if a peer, the kernel or bpftool fails
     */
    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        List<Path> objects = new ArrayList<>();
        int rounds = 4;
        double seconds = 2;
        int threads = 4;
        int size = 64;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-rounds" -> rounds = Integer.parseInt(args[++i]);
                case "-seconds" -> seconds = Double.parseDouble(args[++i]);
                case "-threads" -> threads = Integer.parseInt(args[++i]);
                case "-size" -> size = Integer.parseInt(args[++i]);
                default -> objects.add(Path.of(args[i]));
            }
        }
        String statsBefore = Files.readString(Path.of("/proc/sys/kernel/bpf_stats_enabled")).strip();
        Path dir = Files.createTempDirectory("carto-hookcost");
        Files.writeString(Path.of("/proc/sys/kernel/bpf_stats_enabled"), "1");
        try (TestHosts hosts = TestHosts.create()) {
            BenchSupport.widenClientPorts(hosts);
            BenchSupport.startServer(hosts, dir, PORT, size);
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", hosts.a()));
            cmd.addAll(List.of(BenchSupport.peer(List.of(), "rounds", hosts.ipB(), Integer.toString(PORT),
                    Integer.toString(size), Integer.toString(threads))));
            Process client = new ProcessBuilder(cmd).redirectError(dir.resolve("client.err").toFile()).start();
            Writer commands = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8);
            BufferedReader results = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            try {
                round(commands, results, seconds);
                List<Totals> totals = new ArrayList<>();
                for (int o = 0; o < objects.size(); o++) {
                    totals.add(new Totals());
                }
                for (int r = 0; r < rounds; r++) {
                    for (int o = 0; o < objects.size(); o++) {
                        measure(objects.get(o), totals.get(o), commands, results, seconds);
                    }
                }
                report(objects, totals);
            } finally {
                commands.close();
                client.destroyForcibly();
            }
        } finally {
            Files.writeString(Path.of("/proc/sys/kernel/bpf_stats_enabled"), statsBefore);
        }
    }

    private static long round(Writer commands, BufferedReader results, double seconds) throws Exception {
        commands.write("run " + seconds + "\n");
        commands.flush();
        for (String line = results.readLine(); line != null; line = results.readLine()) {
            Matcher m = DONE.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new IllegalStateException("the client ended without a result");
    }

    private static void measure(Path object, Totals totals, Writer commands, BufferedReader results, double seconds)
            throws Exception {
        byte[] elf = Files.readAllBytes(object);
        String text = new String(elf, StandardCharsets.ISO_8859_1);
        Set<String> tracepoints = new TreeSet<>(TRACEPOINTS.stream().filter(text::contains).toList());
        Set<String> cgroup = new TreeSet<>(CGROUP_PROGRAMS.stream().filter(text::contains).toList());
        Set<String> all = new TreeSet<>(tracepoints);
        all.addAll(cgroup);
        AtomicLong closed = new AtomicLong();
        try (ProgramSet set = new LibbpfLoader().load(elf, all, 131_072)) {
            for (String p : tracepoints) {
                set.attach(p);
            }
            for (String p : cgroup) {
                set.attachCgroup(p, cgroup2());
            }
            try (ClosedRing ring = set.openClosedRing((buffer, offset) -> closed.incrementAndGet())) {
                Thread drain = Thread.ofPlatform().name("hookcost-drain").start(() -> drainLoop(ring));
                long connections = round(commands, results, seconds);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (closed.get() < 2 * connections && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                drain.interrupt();
                drain.join();
                totals.connections += connections;
                ownPrograms().forEach((name, v) -> {
                    long[] t = totals.programs.computeIfAbsent(name, k -> new long[2]);
                    t[0] += v[0];
                    t[1] += v[1];
                });
                AtomicLong left = new AtomicLong();
                set.connections().forEach((buffer, offset) -> left.incrementAndGet());
                System.out.printf("%s: %d connections, %d closed records, %d entries left, drops %d/%d%n", object.getFileName(),
                        connections, closed.get(), left.get(), set.drops().total(0), set.drops().total(1));
            }
        }
    }

    private static String cgroup2() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[2].equals("cgroup2")) {
                return f[1];
            }
        }
        throw new IllegalStateException("no cgroup v2 mount");
    }

    private static void drainLoop(ClosedRing ring) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                ring.await(20);
                ring.drain();
            } catch (Exception e) {
                return;
            }
        }
    }

    /** @return name to {run_time_ns, run_cnt} of the programs this process holds */
    private static Map<String, long[]> ownPrograms() throws Exception {
        Set<String> ids = new TreeSet<>();
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fdinfo"))) {
            for (Path fd : fds) {
                try {
                    Matcher m = PROG_ID.matcher(Files.readString(fd));
                    if (m.find()) {
                        ids.add(m.group(1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String id : ids) {
            Process p = new ProcessBuilder("bpftool", "prog", "show", "id", id, "-j").redirectErrorStream(true).start();
            String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher name = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(json);
            Matcher ns = Pattern.compile("\"run_time_ns\":(\\d+)").matcher(json);
            Matcher cnt = Pattern.compile("\"run_cnt\":(\\d+)").matcher(json);
            if (name.find() && name.group(1).startsWith("carto_") && ns.find() && cnt.find()) {
                out.put(name.group(1), new long[] {Long.parseLong(ns.group(1)), Long.parseLong(cnt.group(1))});
            }
        }
        return out;
    }

    private static void report(List<Path> objects, List<Totals> totals) {
        double first = 0;
        for (int o = 0; o < objects.size(); o++) {
            Totals t = totals.get(o);
            System.out.printf("%n%s: %d connections%n%-18s %10s %14s %12s%n", objects.get(o), t.connections, "program",
                    "ns/call", "calls/conn", "ns/conn");
            double sum = 0;
            for (Map.Entry<String, long[]> e : t.programs.entrySet()) {
                long[] v = e.getValue();
                double perConn = (double) v[0] / t.connections;
                sum += perConn;
                System.out.printf("%-18s %10.0f %14.2f %12.0f%n", e.getKey(), v[1] == 0 ? 0.0 : (double) v[0] / v[1],
                        (double) v[1] / t.connections, perConn);
            }
            if (o == 0) {
                first = sum;
            }
            System.out.printf("%-18s %10s %14s %12.0f (%.2f of the first)%n", "all", "", "", sum, sum / first);
        }
    }
}
