package org.cartograph.sink.otlp.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.sink.otlp.internal.BenchAccess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The OTLP sink's cost per connection record: one batch of 100k flows (the target, 100k
 * connections per 10 s interval) over {@code edges} destinations is mapped to metrics and
 * serialised as the OTLP protobuf request the exporter sends ({@code metrics}), or each flow as a
 * log record ({@code logs}). The score is time per flow: at most 5 µs keeps 100k flows per 10 s
 * under 5% of a core. Network time is not included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OtlpSinkBenchmark {

    static final int FLOWS = 100_000;

    @Param({"1000"})
    int edges;

    BenchAccess sink;
    FlowBatch batch;

    @Setup(Level.Trial)
    public void setUp() {
        sink = new BenchAccess();
        List<Flow> flows = new ArrayList<>(FLOWS);
        for (int i = 0; i < FLOWS; i++) {
            ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.ofV4(0x0A000001), 32768 + (i & 0x3FFF),
                    IpAddress.ofV4(0x0A640000 + (i % edges)), 443, 4026531840L);
            ConnectionStats d = new ConnectionStats(1000 + i, 2000, 3, 4, i % 50 == 0 ? 1 : 0, 200 + i % 5000, 30,
                    i % 10 == 0 ? 1 : 0, i % 10 == 0 ? 1 : 0, i % 100 == 0 ? Map.of(111, 1L) : Map.of());
            TagSet local = TagSet.of(Map.of("pod_name", "pod-" + (i % 7), "container_name", "c-" + (i % 7)));
            TagSet remote = TagSet.of(Map.of("service", "dst-" + (i % edges)));
            flows.add(new Flow(key, i, 1000 + i, "proc", 0, Direction.OUTGOING, false, true, false, false, d, d, null,
                    List.of(), local, remote));
        }
        batch = new FlowBatch(1, "bench", Instant.now(), Duration.ofSeconds(10), flows, List.of());
    }

    /** @return request size; score: time per flow to map and serialise the metrics */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public int metrics() {
        return sink.metricsRequestBytes(batch);
    }

    /** @return request size; score: time per flow to map and serialise one log record per flow */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public int logs() {
        return sink.logsRequestBytes(batch);
    }
}
