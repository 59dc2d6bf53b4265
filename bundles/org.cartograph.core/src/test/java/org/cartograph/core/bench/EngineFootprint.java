package org.cartograph.core.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import org.cartograph.core.internal.DeltaEngine;
import org.cartograph.core.internal.MutableConnection;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/**
 * Prints the delta engine's memory per tracked connection at 10k and 100k connections (and
 * idle), for the default bound of 131,072: the bytes its arrays hold, and the heap growth the JVM
 * measures after a full collection. Also prints what the engine preallocated before it grew with
 * use (16 longs per slot, {@code highestOneBit(2 * max - 1) << 1} slots). A measurement, not a
 * test: run it with the command in this module's README.md.
 */
public final class EngineFootprint {

    private static final int MAX = 131_072;

    private EngineFootprint() {
    }

    /** @param args ignored */
    public static void main(String[] args) {
        long preallocated = (long) (Integer.highestOneBit(MAX * 2 - 1) << 1) * 16 * 8;
        System.out.printf("max %,d: the preallocated engine held %,d bytes whatever it tracked%n", MAX, preallocated);
        System.out.printf("%12s %16s %14s %16s %14s%n", "connections", "array bytes", "bytes/conn", "heap growth",
                "bytes/conn");
        for (int n : new int[] {0, 10_000, 100_000}) {
            long[] m = measure(n);
            System.out.printf("%,12d %,16d %14s %,16d %14s%n", n, m[0], n == 0 ? "-" : m[0] / n, m[1],
                    n == 0 ? "-" : m[1] / n);
        }
    }

    /** @return the engine's array bytes and the heap growth measured, for {@code n} connections */
    private static long[] measure(int n) {
        long before = usedAfterGc();
        DeltaEngine engine = fill(n);
        long after = usedAfterGc();
        if (engine.size() != n) {
            throw new IllegalStateException("engine tracks " + engine.size() + ", expected " + n);
        }
        return new long[] {engine.memoryBytes(), after - before};
    }

    private static DeltaEngine fill(int n) {
        DeltaEngine engine = new DeltaEngine(MAX, 3);
        MutableConnection c = new MutableConnection();
        engine.beginInterval();
        for (int i = 0; i < n; i++) {
            c.tuple(Protocol.TCP, IpAddress.ofV4(0x0A000001 + (i >>> 14)), 32768 + (i & 0x3FFF),
                    IpAddress.ofV4(0x0A640000 + (i % 5000)), 443 + (i % 7));
            c.cookie = i + 1L;
            c.netns = 4026531840L;
            c.bytesSent = i;
            engine.update(c, (v, d) -> { });
        }
        engine.endInterval();
        return engine;
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
