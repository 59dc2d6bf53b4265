package org.cartograph.capture.ebpf.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.cartograph.capture.CaptureException;
import org.cartograph.capture.ConnectionView;
import org.cartograph.capture.ebpf.internal.ConnRecord;
import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one snapshot of the open-connection map against the real kernel: a running eBPF
 * backend whose {@code carto_conns} holds {@link #entries} synthetic records (the live harness's
 * 100k connections with both ends on this host), written from user space so that no sockets are
 * needed. {@code snapshot} is the backend's own path; {@code baseline} is the path as it was before
 * it was made cheaper (1024 records per {@code bpf_map_lookup_batch} call into a
 * {@code ByteBuffer}, a view reading the buffer on every getter), kept here for a side-by-side ratio.
 * Both visitors read every field the core reads.
 *
 * <p>Run: {@code bin/cartograph bench --module platform-linux-ebpf/org.cartograph.capture.ebpf SnapshotBenchmark}
 * (root, as the kernel tests). On a shared machine wall time mostly measures the wait for a CPU:
 * {@link #main} runs both paths alternately and reports this thread's CPU time (user + system, so
 * the kernel's copying counts) per snapshot, median of each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SnapshotBenchmark {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final int BASELINE_CHUNK = 1024;
    private static final long COOKIE_BASE = 1L << 62;

    /** Records in the map. */
    @Param("200000")
    public int entries;

    private EbpfBackend backend;
    private Arena arena;
    private int mapFd;
    private MethodHandle lookupBatch;
    private MemorySegment keys;
    private MemorySegment values;
    private ByteBuffer valueBuffer;
    private MemorySegment inBatch;
    private MemorySegment outBatch;
    private MemorySegment count;
    private final Summing summing = new Summing();

    /** Reads every field the core reads; keeps a sum so that nothing is optimised away. */
    static final class Summing implements org.cartograph.capture.ConnectionVisitor {
        long sum;
        int seen;

        @Override
        public void visit(ConnectionView v) {
            seen++;
            sum += v.cookie() + v.localAddressHigh() + v.localAddressLow() + v.localPort() + v.remoteAddressHigh()
                    + v.remoteAddressLow() + v.remotePort() + v.netns() + v.pid() + v.processName().length()
                    + v.cgroupId() + v.direction().ordinal() + (v.preexisting() ? 1 : 0) + v.bytesSent()
                    + v.bytesReceived() + v.packetsSent() + v.packetsReceived() + v.retransmits() + v.rttMicros()
                    + v.rttVarMicros() + v.tcpEstablished() + v.tcpClosed() + v.failureErrno() + v.protocol().ordinal();
        }
    }

    /**
     * Alternates both paths and prints the median CPU and wall time of each and their ratio.
     *
     * @param args rounds (default 30), entries (default 200000)
     * @throws Throwable if the kernel refuses
     */
    public static void main(String[] args) throws Throwable {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        SnapshotBenchmark b = new SnapshotBenchmark();
        b.entries = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        b.setUp();
        try {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long[][] cpu = new long[2][rounds];
            long[][] wall = new long[2][rounds];
            for (int warm = 0; warm < 10; warm++) {
                b.baseline();
                b.snapshot();
            }
            for (int r = 0; r < rounds; r++) {
                for (int variant = 0; variant < 2; variant++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    int seen = variant == 0 ? b.baseline() : b.snapshot();
                    wall[variant][r] = System.nanoTime() - w0;
                    cpu[variant][r] = threads.getCurrentThreadCpuTime() - c0;
                    if (seen < b.entries) {
                        throw new IllegalStateException("saw " + seen + " of " + b.entries);
                    }
                }
            }
            double baseCpu = median(cpu[0]);
            double newCpu = median(cpu[1]);
            System.out.printf("%d records, median of %d rounds: baseline CPU %.1f ms (wall %.1f ms), snapshot CPU %.1f ms "
                    + "(wall %.1f ms); CPU ratio snapshot/baseline %.2f%n", b.entries, rounds, baseCpu, median(wall[0]),
                    newCpu, median(wall[1]), newCpu / baseCpu);
        } finally {
            b.tearDown();
        }
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    /**
     * Opens the backend with a map large enough and fills it.
     *
     * @throws Throwable if the kernel refuses
     */
    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        int maxTracked = 2 * entries + 16_384;
        backend = new EbpfBackend(new BenchSupport.Defaults("auto", 100, false));
        backend.open(new BenchSupport.Counting(0, 0, maxTracked));
        backend.start();
        arena = Arena.ofShared();
        SymbolLookup libbpf = SymbolLookup.libraryLookup("libbpf.so.1", arena);
        MethodHandle byId = LINKER.downcallHandle(libbpf.find("bpf_map_get_fd_by_id").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle updateBatch = LINKER.downcallHandle(libbpf.find("bpf_map_update_batch").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        lookupBatch = LINKER.downcallHandle(libbpf.find("bpf_map_lookup_batch").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        long id = BenchSupport.ownBpfMaps().stream().filter(m -> m.name().equals("carto_conns")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no carto_conns map in this process")).id();
        mapFd = (int) byId.invokeExact((int) id);
        if (mapFd < 0) {
            throw new IllegalStateException("bpf_map_get_fd_by_id(" + id + ") failed: " + mapFd);
        }
        fill(updateBatch);
        keys = arena.allocate(8L * BASELINE_CHUNK, 8);
        values = arena.allocate((long) ConnRecord.SIZE * BASELINE_CHUNK, 8);
        valueBuffer = values.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        inBatch = arena.allocate(8, 8);
        outBatch = arena.allocate(8, 8);
        count = arena.allocate(ValueLayout.JAVA_INT);
        int n = snapshot();
        if (n < entries) {
            throw new IllegalStateException("the snapshot saw " + n + " of " + entries + " records");
        }
    }

    /** Synthetic IPv4 TCP connections of 50 processes, in batches of 10,000. */
    private void fill(MethodHandle updateBatch) throws Throwable {
        int batch = 10_000;
        MemorySegment k = arena.allocate(8L * batch, 8);
        MemorySegment v = arena.allocate((long) ConnRecord.SIZE * batch, 8);
        MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
        byte[] comm = "bench-peer".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int base = 0; base < entries; base += batch) {
            int size = Math.min(batch, entries - base);
            for (int i = 0; i < size; i++) {
                int c = base + i;
                long off = (long) i * ConnRecord.SIZE;
                k.set(ValueLayout.JAVA_LONG, 8L * i, COOKIE_BASE + c);
                v.asSlice(off, ConnRecord.SIZE).fill((byte) 0);
                v.set(ValueLayout.JAVA_LONG, off, COOKIE_BASE + c);
                v.set(ValueLayout.JAVA_SHORT, off + 18, (short) 0xFFFF);
                v.set(ValueLayout.JAVA_INT, off + 20, 0x0100C80A);
                v.set(ValueLayout.JAVA_SHORT, off + 34, (short) 0xFFFF);
                v.set(ValueLayout.JAVA_INT, off + 36, 0x0200C80A);
                v.set(ValueLayout.JAVA_LONG, off + 40, 4026532000L);
                v.set(ValueLayout.JAVA_LONG, off + 56, 1000L + c);
                v.set(ValueLayout.JAVA_LONG, off + 64, 2000L + c);
                v.set(ValueLayout.JAVA_INT, off + 100, 1000 + c % 50);
                v.set(ValueLayout.JAVA_SHORT, off + 104, (short) (1024 + c % 60000));
                v.set(ValueLayout.JAVA_SHORT, off + 106, (short) 5401);
                v.set(ValueLayout.JAVA_SHORT, off + 108, (short) 2);
                v.set(ValueLayout.JAVA_BYTE, off + 110, (byte) 6);
                v.set(ValueLayout.JAVA_BYTE, off + 111, (byte) 2);
                v.set(ValueLayout.JAVA_BYTE, off + 112, (byte) 1);
                MemorySegment.copy(comm, 0, v, ValueLayout.JAVA_BYTE, off + 120, comm.length);
            }
            n.set(ValueLayout.JAVA_INT, 0, size);
            int r = (int) updateBatch.invokeExact(mapFd, k, v, n, MemorySegment.NULL);
            if (r != 0) {
                throw new IllegalStateException("bpf_map_update_batch failed: " + r);
            }
        }
    }

    /** Closes the backend (its maps go with it). */
    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
        arena.close();
    }

    /**
     * @return records seen
     * @throws CaptureException if the map cannot be read
     */
    @Benchmark
    public int snapshot() throws CaptureException {
        summing.seen = 0;
        backend.snapshot(summing);
        return summing.seen;
    }

    /**
     * @return records seen
     * @throws Throwable if the map cannot be read
     */
    @Benchmark
    public int baseline() throws Throwable {
        summing.seen = 0;
        BaselineView view = new BaselineView();
        MemorySegment in = MemorySegment.NULL;
        while (true) {
            count.set(ValueLayout.JAVA_INT, 0, BASELINE_CHUNK);
            int r = (int) lookupBatch.invokeExact(mapFd, in, outBatch, keys, values, count, MemorySegment.NULL);
            int n = count.get(ValueLayout.JAVA_INT, 0);
            for (int i = 0; i < n; i++) {
                view.at(valueBuffer, i * ConnRecord.SIZE);
                if (!view.countedPerPeer()) {
                    summing.visit(view);
                }
            }
            if (r < 0) {
                return summing.seen;
            }
            MemorySegment.copy(outBatch, 0, inBatch, 0, 8);
            in = inBatch;
        }
    }
}
