package org.cartograph.core.bench;

import java.util.concurrent.TimeUnit;

import org.cartograph.capture.ConnectionView;
import org.cartograph.core.internal.Delta;
import org.cartograph.core.internal.DeltaEngine;
import org.cartograph.core.internal.DeltaListener;
import org.cartograph.core.internal.MutableConnection;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Delta engine throughput with 100k live connections: one operation is one connection update
 * (counters grow, the engine computes its delta). Variants, measured side by side in one run:
 * the engine alone; the engine plus a roll-up of deltas by destination (address, port) into a
 * primitive hash table, as an aggregation by any destination tag does; and the engine plus
 * building the immutable flow records a batch carries. {@code order}: updates come in the order
 * the connections were first seen ({@code insertion}) or in a fixed random order
 * ({@code shuffled}), as a kernel map iterated in hash order delivers them (the views are
 * reallocated in that order, so only the engine's accesses are scattered). Run with
 * {@code -prof gc} to see bytes allocated per update ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DeltaEngineBenchmark {

    static final int LIVE = 100_000;

    @Param({"100000"})
    int live;

    @Param({"insertion", "shuffled"})
    String order;

    MutableConnection[] connections;
    DeltaEngine engine;
    final DestinationRollup rollup = new DestinationRollup(1 << 17);
    long round;

    @Setup(Level.Trial)
    public void setUp() {
        connections = new MutableConnection[live];
        for (int i = 0; i < live; i++) {
            MutableConnection c = new MutableConnection().tuple(Protocol.TCP, IpAddress.ofV4(0x0A000001 + (i >>> 14)),
                    32768 + (i & 0x3FFF), IpAddress.ofV4(0x0A640000 + (i % 5000)), 443 + (i % 7));
            c.cookie = i + 1;
            c.netns = 4026531840L;
            c.tcpEstablished = 1;
            connections[i] = c;
        }
        engine = new DeltaEngine(131_072, 3);
        engine.beginInterval();
        for (MutableConnection c : connections) {
            engine.update(c, (v, d) -> { });
        }
        engine.endInterval();
        if (order.equals("shuffled")) {
            java.util.Collections.shuffle(java.util.Arrays.asList(connections), new java.util.Random(42));
            for (int i = 0; i < live; i++) {
                connections[i] = new MutableConnection().copyOf(connections[i]);
            }
        }
    }

    private void interval(DeltaListener listener) {
        long r = ++round;
        engine.beginInterval();
        for (MutableConnection c : connections) {
            c.bytesSent += 100 + (r & 7);
            c.bytesReceived += 1000;
            c.packetsSent += 1;
            c.packetsReceived += 2;
            engine.update(c, listener);
        }
        engine.endInterval();
    }

    @Benchmark
    @OperationsPerInvocation(LIVE)
    public void engineOnly(Blackhole bh) {
        interval((v, d) -> bh.consume(d.bytesSent()));
    }

    @Benchmark
    @OperationsPerInvocation(LIVE)
    public long engineAndRollupByDestination() {
        interval(rollup);
        return rollup.total();
    }

    @Benchmark
    @OperationsPerInvocation(LIVE)
    public void engineAndFlowRecords(Blackhole bh) {
        interval((v, d) -> bh.consume(new org.cartograph.flow.Flow(
                new org.cartograph.flow.ConnectionKey(v.protocol(), new IpAddress(v.localAddressHigh(), v.localAddressLow()),
                        v.localPort(), new IpAddress(v.remoteAddressHigh(), v.remoteAddressLow()), v.remotePort(), v.netns()),
                v.cookie(), v.pid(), v.processName(), v.cgroupId(), v.direction(), false, true, false, d.closed(),
                new org.cartograph.flow.ConnectionStats(d.bytesSent(), d.bytesReceived(), d.packetsSent(),
                        d.packetsReceived(), d.retransmits(), 0, 0, d.tcpEstablished(), d.tcpClosed(), java.util.Map.of()),
                org.cartograph.flow.ConnectionStats.ZERO, null, java.util.List.of(), null, null)));
    }

    /**
     * Sums deltas per destination (address, port) in one primitive open-addressing table of
     * 4 longs per slot (key high, key low, bytes, packets); sized for the benchmark's 35,000
     * destinations at a load factor below 0.3. Slot 0 of an empty key is never a valid
     * destination here (every key has a non-zero IPv4-mapped prefix).
     */
    static final class DestinationRollup implements DeltaListener {
        final long[] table;
        final int mask;

        DestinationRollup(int capacity) {
            table = new long[capacity * 4];
            mask = capacity - 1;
        }

        @Override
        public void onDelta(ConnectionView c, Delta d) {
            long hi = c.remoteAddressHigh();
            long lo = c.remoteAddressLow() ^ ((long) c.remotePort() << 48);
            long[] t = table;
            int i = (int) ((hi * 0x9E3779B97F4A7C15L ^ lo * 0xC2B2AE3D27D4EB4FL) >>> 40) & mask;
            while (true) {
                int b = i * 4;
                if (t[b] == hi && t[b + 1] == lo) {
                    break;
                }
                if (t[b] == 0 && t[b + 1] == 0) {
                    t[b] = hi;
                    t[b + 1] = lo;
                    break;
                }
                i = (i + 1) & mask;
            }
            int b = i * 4;
            t[b + 2] += d.bytesSent() + d.bytesReceived();
            t[b + 3] += d.packetsSent() + d.packetsReceived();
        }

        long total() {
            long sum = 0;
            for (int b = 2; b < table.length; b += 4) {
                sum += table[b];
            }
            return sum;
        }
    }
}
