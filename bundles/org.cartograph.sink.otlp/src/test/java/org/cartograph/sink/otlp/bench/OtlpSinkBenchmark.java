package org.cartograph.sink.otlp.bench;

import java.util.concurrent.TimeUnit;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.otlp.internal.BenchAccess;
import org.cartograph.testkit.SyntheticBatches;
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
        batch = SyntheticBatches.batch(FLOWS, edges, "pod_name");
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
