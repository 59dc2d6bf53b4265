package org.cartograph.metadata.tagger.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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
import org.cartograph.metadata.IpPrefix;
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
 * Tagging throughput of the workload tagger over the core's real store holding 10k containers
 * (by pid), 50k pods (by address and netns) and 200k cloud prefixes (in 400 range entities). One
 * operation is one flow tagged on both ends; the flows mix a local container pid with a remote
 * pod, a remote cloud address and an unknown remote. The setup prints the heap held per entity.
 * Run with {@code -prof gc} to see bytes allocated per flow.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TaggerBenchmark {

    private static final int CONTAINERS = 10_000;
    private static final int PODS = 50_000;
    private static final int PREFIXES = 200_000;
    private static final int RANGES = 400;
    private static final int FLOWS = 4096;

    private StoreHarness harness;
    private WorkloadTagger tagger;
    private Flow[] flows;
    private CountingCollector local;
    private CountingCollector remote;

    /** Loads the store and prints the heap held per entity. */
    @Setup(Level.Trial)
    public void load() {
        long before = usedHeap();
        harness = new StoreHarness();
        WorkloadWriter docker = Writers.bind(harness, "docker");
        WorkloadWriter kube = Writers.bind(harness, "kubernetes");
        WorkloadWriter cloud = Writers.bind(harness, "cloud");
        for (int i = 0; i < CONTAINERS; i++) {
            String id = "%064x".formatted(i);
            docker.put(new WorkloadEntity(new EntityId("container", id), "docker",
                    TagSet.of(Map.of("container_id", id, "container_name", "c" + i, "image_name", "reg/app" + (i % 50),
                            "short_image", "app" + (i % 50), "image_tag", "v1")),
                    Set.of(IpAddress.ofV4(0xAC110000 | i)), Set.of(), Set.of(10_000 + i), Set.of(id), Set.of(), null));
        }
        long afterContainers = usedHeap();
        for (int i = 0; i < PODS; i++) {
            kube.put(new WorkloadEntity(new EntityId("pod", "uid-" + i), "kubernetes",
                    TagSet.of(Map.of("pod_name", "p" + i, "kube_namespace", "ns" + (i % 20), "kube_deployment",
                            "d" + (i / 10), "kube_service", "s" + (i / 10))),
                    Set.of(IpAddress.ofV4(0x0A010000 + i)), Set.of(), Set.of(), Set.of(), Set.of(4_026_600_000L + i),
                    null));
        }
        long afterPods = usedHeap();
        List<List<IpPrefix>> ranges = new ArrayList<>();
        for (int r = 0; r < RANGES; r++) {
            ranges.add(new ArrayList<>());
        }
        for (int i = 0; i < PREFIXES; i++) {
            ranges.get(i % RANGES).add(new IpPrefix(IpAddress.ofV4(0x34000000 + (i << 8)), 24));
        }
        for (int r = 0; r < RANGES; r++) {
            cloud.put(new WorkloadEntity(new EntityId("cloud_range", "aws/r" + r), "cloud",
                    TagSet.of(Map.of("cloud_provider", "aws", "cloud_region", "region-" + (r % 30), "cloud_service",
                            "svc" + (r / 30))),
                    Set.of(), Set.copyOf(ranges.get(r)), Set.of(), Set.of(), Set.of(), null));
        }
        long afterPrefixes = usedHeap();
        System.out.printf("%nheap per container %d B, per pod %d B, per cloud prefix %d B%n",
                (afterContainers - before) / CONTAINERS, (afterPods - afterContainers) / PODS,
                (afterPrefixes - afterPods) / PREFIXES);
        tagger = new WorkloadTagger(harness.store(), TestConfig.of(Path.of("/nonexistent-proc").toString()));
        flows = new Flow[FLOWS];
        for (int i = 0; i < FLOWS; i++) {
            int remote = switch (i % 3) {
                case 0 -> 0x0A010000 + (i * 7) % PODS;
                case 1 -> 0x34000000 + (((i * 13) % PREFIXES) << 8) + 5;
                default -> 0x08080000 + i;
            };
            ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.ofV4(0xAC110000 | (i % CONTAINERS)), 40_000,
                    IpAddress.ofV4(remote), 443, 0);
            flows[i] = new Flow(key, i, 10_000 + (i % CONTAINERS), "", 0, Direction.OUTGOING, false, true, false,
                    false, ConnectionStats.ZERO, ConnectionStats.ZERO, null, List.of(), TagSet.EMPTY, TagSet.EMPTY);
        }
        local = new CountingCollector();
        remote = new CountingCollector();
    }

    /** Stops the tagger's thread. */
    @TearDown(Level.Trial)
    public void stop() {
        tagger.deactivate();
    }

    /**
     * @param bh sink for the tag counts
     */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public void tagFlows(Blackhole bh) {
        for (Flow f : flows) {
            tagger.tag(f, local, remote);
        }
        bh.consume(local.count + remote.count);
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
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
