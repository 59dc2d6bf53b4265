package org.cartograph.sink.prometheus.bench;

import java.util.concurrent.TimeUnit;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.prometheus.internal.BenchAccess;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Prometheus sink's cost per connection record: one batch of 100k flows (the target,
 * 100k connections per 10 s interval) spread over {@code edges} label sets is added to the metrics;
 * the score is time per flow (at most 5 µs per flow keeps 100k flows per 10 s under 5% of a core).
 * {@code scrape} renders the whole exposition once for those label sets (cost per scrape).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PrometheusSinkBenchmark {

    static final int FLOWS = 100_000;

    @Param({"1000"})
    int edges;

    BenchAccess sink;
    FlowBatch batch;

    @Setup(Level.Trial)
    public void setUp() {
        sink = new BenchAccess();
        batch = SyntheticBatches.batch(FLOWS, edges, "service");
        sink.record(batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sink.close();
    }

    /** @return the outcome; score: time per flow */
    @Benchmark
    @OperationsPerInvocation(FLOWS)
    public Object recordPerFlow() {
        return sink.record(batch);
    }

    /** @return the exposition's size; score: time per scrape */
    @Benchmark
    public int scrape() {
        return sink.scrapeBytes();
    }
}
