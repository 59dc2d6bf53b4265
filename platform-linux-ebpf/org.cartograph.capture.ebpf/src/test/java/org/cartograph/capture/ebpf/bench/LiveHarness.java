package org.cartograph.capture.ebpf.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;

import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.cartograph.testkit.TestHosts;

/**
 * Memory with many live connections: the eBPF backend runs in this JVM while client JVMs in
 * namespace a open long-lived TCP connections to server JVMs in namespace b. Both ends are on this
 * machine, so the kernel map tracks two sockets per connection. A process may hold fewer than
 * {@value #PER_PROCESS} connections (the hard open-file limit here is 20,000 and root lacks
 * CAP_SYS_RESOURCE to raise it), so the connections are split over several client/server pairs,
 * pair i on port {@value #PORT}+i. Reports whether snapshots saw every connection at both ends, how
 * long a snapshot took, this JVM's RSS and heap, and the memory of the backend's BPF maps
 * ({@code bpftool map show -j}, for the map ids this process holds).
 *
 * <p>Usage: {@code ChurnHarness live [connections=100000]}; with {@code agent} after the count, the
 * exported agent process is measured instead ({@link AgentLiveHarness}).
 */
final class LiveHarness {

    private static final int PORT = 5401;
    static final int PER_PROCESS = 16_000;
    private static final List<String> PEER_JVM = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private LiveHarness() {
    }

    /** Counts the snapshot's entries of the benchmark's connections at either end. */
    private static final class Seen {
        final AtomicLong clientEnds = new AtomicLong();
        final AtomicLong serverEnds = new AtomicLong();
        final AtomicLong all = new AtomicLong();
    }

    static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("agent")) {
            AgentLiveHarness.main(args);
            return;
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int pairs = (count + PER_PROCESS - 1) / PER_PROCESS;
        int maxTracked = Math.max(131_072, 2 * count + 16_384);
        Path dir = Files.createTempDirectory("carto-live");
        try (TestHosts hosts = TestHosts.create()) {
            BenchSupport.widenClientPorts(hosts);
            long nsA = TestHosts.inode(hosts.a());
            long nsB = TestHosts.inode(hosts.b());
            EbpfBackend backend = new EbpfBackend(new BenchSupport.Defaults());
            backend.open(new BenchSupport.Counting(nsA, PORT, maxTracked));
            backend.start();
            try {
                System.out.printf("live: %d connections a -> b over %d client/server process pairs (ports %d..%d); map size %d "
                        + "entries (two sockets per connection on one machine); agent RSS before: %s%n", count, pairs, PORT,
                        PORT + pairs - 1, maxTracked, BenchSupport.status("VmRSS"));
                long opened = connect(hosts, dir, count, pairs);
                Seen seen = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (seen == null || (seen.clientEnds.get() < opened || seen.serverEnds.get() < opened)
                        && System.nanoTime() < deadline) {
                    seen = snapshot(backend, nsA, nsB, pairs);
                }
                long s0 = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    seen = snapshot(backend, nsA, nsB, pairs);
                }
                double snapshotMillis = (System.nanoTime() - s0) / 5e6;
                boolean all = seen.clientEnds.get() == count && seen.serverEnds.get() == count;
                System.out.printf("snapshot: %d entries in the map, client ends seen %d of %d, server ends seen %d of %d "
                        + "(%s); %.0f ms per snapshot%n", seen.all.get(), seen.clientEnds.get(), count, seen.serverEnds.get(),
                        count, all ? "all seen" : "MISSING", snapshotMillis);
                System.out.println("drops: " + backend.status().dropsByCause() + ", variant " + backend.status().variant());
                MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                System.out.printf("agent RSS with %d live connections tracked: %s (peak %s); heap used %s, committed %s%n",
                        seen.clientEnds.get(), BenchSupport.status("VmRSS"), BenchSupport.status("VmHWM"),
                        BenchSupport.mib(heap.getUsed()), BenchSupport.mib(heap.getCommitted()));
                long total = 0;
                List<BenchSupport.BpfMap> maps = BenchSupport.ownBpfMaps();
                for (BenchSupport.BpfMap map : maps) {
                    System.out.printf("  bpf map %d %-16s %-14s max_entries %8d memlock %s%n", map.id(), map.name(),
                            map.type(), map.maxEntries(), BenchSupport.mib(map.memlockBytes()));
                    total += map.memlockBytes();
                }
                System.out.printf("BPF maps of the agent: %d, memlock %s in all%n", maps.size(), BenchSupport.mib(total));
            } finally {
                backend.close();
            }
        }
    }

    /** Starts the server and client pairs; returns how many connections the clients hold. */
    static long connect(TestHosts hosts, Path dir, int count, int pairs) throws Exception {
        for (int i = 0; i < pairs; i++) {
            Path log = dir.resolve("server" + i + ".log");
            Process server = hosts.spawn(hosts.b(), log, BenchSupport.peer(PEER_JVM, "hold-server",
                    Integer.toString(PORT + i), "1"));
            BenchSupport.awaitLine(log, "LISTENING", server, Duration.ofSeconds(60));
        }
        long t0 = System.nanoTime();
        List<Process> clients = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            int share = count / pairs + (i < count % pairs ? 1 : 0);
            clients.add(hosts.spawn(hosts.a(), dir.resolve("client" + i + ".log"), BenchSupport.peer(PEER_JVM,
                    "hold-client", hosts.ipB(), Integer.toString(PORT + i), "1", Integer.toString(share), "2")));
        }
        long opened = 0;
        long failures = 0;
        for (int i = 0; i < pairs; i++) {
            Matcher m = BenchSupport.awaitLine(dir.resolve("client" + i + ".log"), "CONNECTED (\\d+) (\\d+)", clients.get(i),
                    Duration.ofMinutes(5));
            opened += Long.parseLong(m.group(1));
            failures += Long.parseLong(m.group(2));
        }
        System.out.printf("clients opened %d connections (%d failures) in %.1f s%n", opened, failures,
                (System.nanoTime() - t0) / 1e9);
        return opened;
    }

    private static Seen snapshot(EbpfBackend backend, long nsA, long nsB, int pairs) throws Exception {
        Seen seen = new Seen();
        backend.snapshot(v -> {
            seen.all.incrementAndGet();
            if (v.netns() == nsA && v.remotePort() >= PORT && v.remotePort() < PORT + pairs) {
                seen.clientEnds.incrementAndGet();
            } else if (v.netns() == nsB && v.localPort() >= PORT && v.localPort() < PORT + pairs && v.remotePort() != 0) {
                seen.serverEnds.incrementAndGet();
            }
        });
        return seen;
    }
}
