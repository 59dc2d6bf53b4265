package org.cartograph.metadata.tagger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagCollector;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;
import org.cartograph.metadata.tagger.internal.TestConfig;
import org.cartograph.metadata.tagger.internal.WorkloadTagger;
import org.cartograph.metadata.tagger.internal.Writers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Local-end attribution by network namespace alone (pid 0) against attribution by pid, side by
 * side: 5k pods of two containers each sharing a namespace, known to the store by container id
 * (as the Kubernetes provider writes them), and a fake {@code /proc} of their 10k processes that
 * the tagger learns namespaces from. A namespace flow resolves to the pod through the table, two
 * claims and the parent; a pid flow through the store's pid index.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class NetnsTaggerBenchmark {

    private static final int PODS = 5_000;
    private static final int FLOWS = 4096;
    private static final long NETNS_BASE = 4_026_600_000L;
    private static final int PID_BASE = 100_000;

    private Path proc;
    private WorkloadTagger tagger;
    private Flow[] byNetns;
    private Flow[] byPid;
    private final CountingCollector local = new CountingCollector();
    private final CountingCollector remote = new CountingCollector();

    /** Writes the fake /proc, loads the store and waits until the tagger has scanned. */
    @Setup(Level.Trial)
    public void load() throws IOException {
        proc = Files.createTempDirectory("cgbench-proc");
        process(1, 4_026_531_840L, "0::/init.scope\n");
        StoreHarness harness = new StoreHarness();
        WorkloadWriter kube = Writers.bind(harness, "kubernetes");
        for (int p = 0; p < PODS; p++) {
            EntityId pod = new EntityId("pod", "uid-" + p);
            kube.put(new WorkloadEntity(pod, "kubernetes", TagSet.of(Map.of("pod_name", "p" + p, "kube_namespace",
                    "ns" + (p % 20))), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), null));
            for (int c = 0; c < 2; c++) {
                String id = "%064x".formatted(2 * p + c);
                int pid = PID_BASE + 2 * p + c;
                process(pid, NETNS_BASE + p, "0::/kubepods/pod" + p + "/cri-containerd-" + id + ".scope\n");
                kube.put(new WorkloadEntity(new EntityId("kube_container", id), "kubernetes",
                        TagSet.of(Map.of("kube_container_name", "c" + c)), Set.of(), Set.of(), Set.of(pid),
                        Set.of(id), Set.of(), pod));
            }
        }
        tagger = new WorkloadTagger(harness.store(), TestConfig.of(proc.toString()));
        byNetns = new Flow[FLOWS];
        byPid = new Flow[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            int p = (i * 7) % PODS;
            byNetns[i] = flow(0, NETNS_BASE + p, i);
            byPid[i] = flow(PID_BASE + 2 * p, 0, i);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (local.count == 0) {
            tagger.tag(byNetns[FLOWS - 1], local, remote);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the tagger did not learn the namespaces from " + proc);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private void process(int pid, long netns, String cgroup) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid + "/ns"));
        Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[" + netns + "]"));
        Files.writeString(proc.resolve(pid + "/cgroup"), cgroup);
    }

    private static Flow flow(int pid, long netns, int i) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.ofV4(0x0A800000 + i), 40_000,
                IpAddress.ofV4(0x08080000 + i), 443, netns);
        return new Flow(key, i, pid, "", 0, Direction.OUTGOING, false, true, false, false, ConnectionStats.ZERO,
                ConnectionStats.ZERO, null, List.of(), TagSet.EMPTY, TagSet.EMPTY);
    }

    /** Stops the tagger's thread and deletes the fake /proc. */
    @TearDown(Level.Trial)
    public void stop() throws IOException {
        tagger.deactivate();
        try (Stream<Path> all = Files.walk(proc)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** @param bh sink for the tag counts */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public void tagByNetns(Blackhole bh) {
        for (Flow f : byNetns) {
            tagger.tag(f, local, remote);
        }
        bh.consume(local.count + remote.count);
    }

    /** @param bh sink for the tag counts */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public void tagByPid(Blackhole bh) {
        for (Flow f : byPid) {
            tagger.tag(f, local, remote);
        }
        bh.consume(local.count + remote.count);
    }

    /** Counts tags instead of keeping them, as a reused collector would. */
    private static final class CountingCollector implements TagCollector {
        long count;

        @Override
        public void add(String key, String value) {
            count++;
        }

        @Override
        public void addAll(TagSet tags) {
            count += tags.tags().size();
        }
    }
}
