package org.cartograph.kafka.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.kafka.internal.schema.BatchCodec;
import org.cartograph.kafka.internal.schema.MalformedBatchException;
import org.cartograph.kafka.internal.schema.V1Codec;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the Kafka record codec per flow: one operation encodes (or decodes) one flow of a
 * realistic 100k-flow batch, so the score is the time per flow and, with {@code -prof gc},
 * {@code gc.alloc.rate.norm} is the bytes allocated per flow. The batch has 100k flows of 16
 * local addresses (one in eight IPv6) to 20k remote ones, 40 process names, three local tags
 * from 200 workloads, two remote tags on seven flows in ten (300 services), DNS names on a third
 * of the flows, NAT on one in twenty, failures on one in fifty, and 500 DNS statistics. The
 * encoded size per flow is printed once at setup. {@code encode} and {@code decode} are schema
 * version 2 (what the sink writes), {@code encodeV1} and {@code decodeV1} version 1 through the
 * generated message classes (the first release's codec), side by side. The budget of issue 7 (5 % of a core for 100k
 * flows per 10 s interval) is 5 µs per flow for encode and decode together.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CodecBenchmark {

    static final int FLOWS = 100_000;
    /** The sink's default {@code max.record.bytes}. */
    static final int SINK_RECORD_BYTES = 900_000;

    FlowBatch batch;
    BatchCodec codec;
    V1Codec v1;
    byte[] encoded;
    byte[] encodedV1;

    @Setup(Level.Trial)
    public void setUp() throws MalformedBatchException {
        batch = realisticBatch(FLOWS, 42);
        codec = new BatchCodec();
        v1 = new V1Codec();
        encoded = codec.encode(batch);
        encodedV1 = v1.encode(batch);
        if (!codec.decode(encoded).equals(batch) || !codec.decode(encodedV1).equals(batch)) {
            throw new IllegalStateException("the batch does not survive the codec");
        }
        List<byte[]> parts = codec.encode(batch, SINK_RECORD_BYTES);
        long partBytes = parts.stream().mapToLong(p -> p.length).sum();
        System.out.printf("%nencoded: version 2 %d bytes, %.1f bytes per flow (in %d parts of <= %d bytes: %.1f); "
                + "version 1 %d bytes, %.1f bytes per flow%n", encoded.length, (double) encoded.length / FLOWS,
                parts.size(), SINK_RECORD_BYTES, (double) partBytes / FLOWS, encodedV1.length,
                (double) encodedV1.length / FLOWS);
    }

    /** Schema version 2, as the sink writes it. */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public byte[] encode() {
        return codec.encode(batch);
    }

    /** Schema version 2 cut into records of at most 900,000 bytes, as the sink does by default. */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public List<byte[]> encodeParts() {
        return codec.encode(batch, SINK_RECORD_BYTES);
    }

    /** Schema version 2, as the collector reads it. */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public FlowBatch decode() throws MalformedBatchException {
        return codec.decode(encoded);
    }

    /** Schema version 1 through the generated message classes, for comparison. */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public byte[] encodeV1() {
        return v1.encode(batch);
    }

    /** Schema version 1 through the generated message classes, as the collector still reads it. */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public FlowBatch decodeV1() throws MalformedBatchException {
        return codec.decode(encodedV1);
    }

    /**
     * @param flows number of flows
     * @param seed  random seed
     * @return a batch shaped like a busy Kubernetes node's interval
     */
    public static FlowBatch realisticBatch(int flows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] processes = new String[40];
        for (int i = 0; i < processes.length; i++) {
            processes[i] = List.of("java", "nginx", "envoy", "postgres", "redis-server", "node", "python3", "curl")
                    .get(i % 8) + (i < 8 ? "" : "-" + i);
        }
        TagSet[] workloads = new TagSet[200];
        for (int i = 0; i < workloads.length; i++) {
            String ns = "team-" + (i % 12);
            workloads[i] = TagSet.of(List.of(new Tag("container_name", "app-" + i), new Tag("kube_namespace", ns),
                    new Tag("kube_pod", "app-" + i + "-7d9f8b6c5-" + Integer.toString(1000 + i * 37, 36))));
        }
        TagSet[] services = new TagSet[300];
        for (int i = 0; i < services.length; i++) {
            services[i] = TagSet.of(List.of(new Tag("kube_service", "svc-" + i),
                    new Tag("kube_namespace", "team-" + (i % 12))));
        }
        IpAddress[] locals = new IpAddress[16];
        for (int i = 0; i < locals.length; i++) {
            locals[i] = i % 8 == 7 ? new IpAddress(0x20010db800000000L, 0x1000L + i)
                    : IpAddress.ofV4(0x0A000000 | (i << 8) | 5);
        }
        int[] servicePorts = {443, 80, 5432, 6379, 9092, 8080, 53, 3306};
        ConnectionStats failure = new ConnectionStats(0, 0, 1, 0, 0, 0, 0, 0, 1, Map.of(111, 1L));
        List<Flow> list = new ArrayList<>(flows);
        for (int i = 0; i < flows; i++) {
            int remote = r.nextInt(20_000);
            IpAddress remoteAddress = remote % 7 == 0 ? new IpAddress(0x20010db8_00ff0000L, remote)
                    : IpAddress.ofV4(0x64400000 | remote);
            boolean udp = r.nextInt(10) == 0;
            boolean incoming = r.nextInt(4) == 0;
            int servicePort = servicePorts[remote % servicePorts.length];
            int ephemeral = 32768 + r.nextInt(28_000);
            ConnectionKey key = new ConnectionKey(udp ? Protocol.UDP : Protocol.TCP, locals[r.nextInt(locals.length)],
                    incoming ? servicePort : ephemeral, remoteAddress, incoming ? ephemeral : servicePort,
                    4026531840L + r.nextInt(200));
            long bytes = r.nextLong(1, 5_000_000);
            long packets = bytes / 1400 + 1;
            ConnectionStats delta = new ConnectionStats(bytes, bytes / 3, packets, packets / 2 + 1,
                    r.nextInt(50) == 0 ? r.nextInt(5) : 0, udp ? 0 : r.nextInt(100, 50_000),
                    udp ? 0 : r.nextInt(10, 5_000), r.nextInt(5) == 0 ? 1 : 0, r.nextInt(6) == 0 ? 1 : 0, Map.of());
            ConnectionStats cumulative = r.nextInt(50) == 0 ? failure
                    : new ConnectionStats(bytes * 30, bytes * 10, packets * 30, packets * 15, delta.retransmits() * 3,
                            delta.rttMicros(), delta.rttVarMicros(), 1, delta.tcpClosed(), Map.of());
            ConnectionKey nat = r.nextInt(20) == 0 ? new ConnectionKey(key.protocol(), key.localAddress(),
                    key.localPort(), IpAddress.ofV4(0xAC100000 | r.nextInt(4096)), 8080, key.netns()) : null;
            int d = r.nextInt(100);
            List<String> dnsNames = d < 5 ? List.of("svc-" + (remote % 300) + ".team.svc.cluster.local",
                    "api-" + (remote % 300) + ".example.com")
                    : d < 33 ? List.of("host-" + (remote % 2000) + ".example.com") : List.of();
            int workload = r.nextInt(workloads.length);
            TagSet remoteTags = r.nextInt(10) < 7 ? services[remote % services.length] : TagSet.EMPTY;
            list.add(new Flow(key, r.nextLong(), 1000 + workload * 7, processes[workload % processes.length],
                    5000 + workload, incoming ? Direction.INCOMING : udp ? Direction.NONE : Direction.OUTGOING,
                    r.nextInt(10) == 0, !incoming, r.nextInt(100) == 0, delta.tcpClosed() == 1, delta, cumulative, nat,
                    dnsNames, workloads[workload], remoteTags));
        }
        List<DnsStats> dns = new ArrayList<>(500);
        String[] types = {"A", "AAAA", "SRV", "PTR"};
        for (int i = 0; i < 500; i++) {
            long queries = r.nextLong(1, 1000);
            dns.add(new DnsStats(locals[i % locals.length], IpAddress.ofV4(0x0A600000 | 10), "host-" + i + ".example.com",
                    types[i % types.length], queries, queries / 100, i % 10 == 0
                            ? Map.of("NOERROR", queries - 3, "NXDOMAIN", 3L) : Map.of("NOERROR", queries),
                    queries * 800, 700, 4000));
        }
        return new FlowBatch(1234, "node-17.prod.example.com", Instant.parse("2026-11-25T08:00:00.123456789Z"),
                Duration.ofSeconds(10), list, dns);
    }
}
