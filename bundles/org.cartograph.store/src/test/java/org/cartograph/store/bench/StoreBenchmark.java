package org.cartograph.store.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;

import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.store.internal.Scenario;
import org.cartograph.store.internal.StoreBenchmarkAccess;
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
 * Store targets: sustained ingest of at least 200,000 flow rows/s including every checkpoint
 * ({@link #ingest}, reported per row), and a
 * group-by over 24 h of a 1,000-container host in at most 1 s ({@link #groupBy24h}: one batch of
 * 1,000 flows every 10 s for 24 h, 8.64 million rows, grouped by source and destination service).
 */
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class StoreBenchmark {

    /** Rows per ingested batch. */
    public static final int ROWS = 10_000;
    /** Containers on the host of the group-by benchmark. */
    public static final int CONTAINERS = 1_000;

    /**
     * A fresh store and one large batch. {@code checkpoints}: {@code store}, the store checkpoints on
     * its thread after a batch, at 32 MiB of write-ahead log; {@code duckdb}, DuckDB checkpoints
     * inside the commit that crosses its default 16 MiB (the behaviour before).
     */
    @State(Scope.Benchmark)
    public static class Ingest {
        @Param({"duckdb", "store"})
        public String checkpoints;
        /** Rows per batch: the {@value #ROWS} rows of an invocation come in batches of this many. */
        @Param({"10000", "5000", "2000"})
        public int batchRows;
        StoreBenchmarkAccess store;
        Path dir;
        List<List<Flow>> parts;
        FlowBatch batch;
        /** Each invocation's batch has its own sequence: the store skips a batch it has stored already. */
        long sequence;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = Files.createTempDirectory("cartograph-bench-ingest");
            store = new StoreBenchmarkAccess(dir, checkpoints.equals("store"));
            batch = host(ROWS, 0);
            parts = new ArrayList<>();
            for (int from = 0; from < ROWS; from += batchRows) {
                parts.add(batch.flows().subList(from, Math.min(ROWS, from + batchRows)));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            store.close();
            deleteTree(dir);
        }
    }

    /** A store holding 24 h of a 1,000-container host. */
    @State(Scope.Benchmark)
    public static class Day {
        StoreBenchmarkAccess store;
        Path dir;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = Files.createTempDirectory("cartograph-bench-day");
            store = new StoreBenchmarkAccess(dir);
            Scenario host = scenario(CONTAINERS);
            for (int i = 0; i < 24 * 360; i++) {
                store.write(host.batch(i));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            store.close();
            deleteTree(dir);
        }
    }

    /** Deletes a benchmark's store directory (the 24 h store is about 100 MB). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Scenario scenario(int flows) {
        Scenario s = new Scenario();
        for (int f = 0; f < flows; f++) {
            s.flow("svc-" + (f % 200), "us-east-1" + (char) ('a' + f % 3), "dst-" + (f % 50), "us-east-1" + (char) ('a' + f % 2),
                    "10.1." + (f / 250) + "." + (f % 250), 1000 + f, 2000 + f, 100 + f % 900, 1,
                    f % 17 == 0 ? Map.of(104, 1L) : Map.of());
        }
        return s;
    }

    private static FlowBatch host(int flows, int index) {
        return scenario(flows).batch(index);
    }

    /**
     * One batch of {@value #ROWS} rows, with the checkpoint it may cause. Iterations of 15 s hold
     * several checkpoints each (one per 16 MiB or 32 MiB of log, a log of about 1.4 MB per batch), so
     * every iteration pays its share.
     *
     * @return rows written; JMH reports per row
     */
    @Benchmark
    @Warmup(iterations = 1, time = 15)
    @Measurement(iterations = 4, time = 15)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(ROWS)
    public int ingest(Ingest state) throws Exception {
        FlowBatch b = state.batch;
        int rows = 0;
        for (int i = 0; i < state.parts.size(); i++) {
            rows += state.store.write(new FlowBatch(++state.sequence, b.host(), b.time(), b.interval(),
                    state.parts.get(i), b.dns(), i == state.parts.size() - 1));
        }
        return rows;
    }

    /** @return result rows of the 24 h group-by */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int groupBy24h(Day state) throws Exception {
        return state.store.groupBy("service", "service", "bytes,retransmits,rtt_p95_us,failures", 100);
    }
}
