package org.cartograph.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.junit.jupiter.api.Test;

/** The engine's memory follows the connections it tracks: growth, shrinking, reuse of entries. */
class DeltaEngineGrowthTest {

    static final int N = 100_000;

    /** Sums what it is told and checks each delta against what the test expects. */
    static final class Tally implements DeltaListener {
        long deltas;
        long firstSeen;
        long closed;
        long bytesSent;
        long bytesReceived;
        long wrong;
        long expectSent = -1;

        @Override
        public void onDelta(ConnectionView c, Delta d) {
            deltas++;
            firstSeen += d.firstSeen() ? 1 : 0;
            closed += d.closed() ? 1 : 0;
            bytesSent += d.bytesSent();
            bytesReceived += d.bytesReceived();
            if (expectSent >= 0 && d.bytesSent() != expectSent) {
                wrong++;
            }
        }
    }

    /** Connection {@code i} of a set of distinct tuples; fills the reused view {@code c}. */
    static MutableConnection fill(MutableConnection c, int i, long sent, long received) {
        c.tuple(i % 3 == 0 ? Protocol.UDP : Protocol.TCP, IpAddress.ofV4(0x0A000001 + (i >>> 14)), 32768 + (i & 0x3FFF),
                IpAddress.ofV4(0x0A640000 + (i % 5000)), 443 + (i % 7));
        c.cookie = i + 1L;
        c.netns = 4026531840L + (i & 1);
        c.bytesSent = sent;
        c.bytesReceived = received;
        c.tcpEstablished = 1;
        return c;
    }

    static void interval(DeltaEngine e, int from, int to, long sent, long received, DeltaListener l) {
        MutableConnection c = new MutableConnection();
        e.beginInterval();
        for (int i = from; i < to; i++) {
            e.update(fill(c, i, sent + i, received), l);
        }
        e.endInterval();
    }

    @Test
    void startsSmallGrowsToAHundredThousandFindsThemAllAndRefusesAtMax() {
        DeltaEngine e = new DeltaEngine(N, 3);
        assertEquals(1024, e.indexCapacity());
        assertTrue(e.memoryBytes() < 8 * 1024, "an idle engine is a small index: " + e.memoryBytes());

        Tally first = new Tally();
        interval(e, 0, N, 1000, 500, first);
        assertEquals(N, e.size());
        assertEquals(N, first.firstSeen);
        assertEquals(1000L * N + (long) N * (N - 1) / 2, first.bytesSent, "first sighting reports everything");
        assertTrue(e.indexCapacity() >= N * 4 / 3, "index grew: " + e.indexCapacity());
        long perConnection = e.memoryBytes() / N;
        assertTrue(perConnection <= 80, "bytes per tracked connection: " + perConnection);

        Tally second = new Tally();
        second.expectSent = 10;
        MutableConnection c = new MutableConnection();
        e.beginInterval();
        for (int i = 0; i < N; i++) {
            e.update(fill(c, i, 1010 + i, 700), second);
        }
        e.update(fill(c, N, 5, 5), second);
        e.endInterval();
        assertEquals(N, second.deltas, "every connection found again, the one over the limit refused");
        assertEquals(0, second.firstSeen);
        assertEquals(0, second.wrong, "each delta is exactly the growth of its own counters");
        assertEquals(200L * N, second.bytesReceived);
        assertEquals(1, e.refusedFull());
        assertEquals(N, e.size());
    }

    @Test
    void closingAndEvictionAfterGrowthStayExactAndMemoryShrinksBack() {
        DeltaEngine e = new DeltaEngine(131_072, 1);
        interval(e, 0, N, 0, 0, new Tally());
        long peak = e.memoryBytes();

        Tally closing = new Tally();
        MutableConnection c = new MutableConnection();
        e.beginInterval();
        for (int i = 0; i < N; i += 2) {
            e.update(fill(c, i, i + 7, 0), closing);
        }
        for (int i = 0; i < N; i += 4) {
            e.closed(fill(c, i, i + 10, 0), closing);
        }
        e.endInterval();
        assertEquals(N / 2 + N / 4, closing.deltas);
        assertEquals(N / 4, closing.closed);
        assertEquals(7L * (N / 2) + 3L * (N / 4), closing.bytesSent, "open deltas and final deltas, each exactly once");
        assertEquals(N / 2, e.expired(), "the odd half missed one snapshot and is evicted");
        assertEquals(N / 4, e.size());

        Tally rest = new Tally();
        e.beginInterval();
        for (int i = 2; i < N; i += 4) {
            e.update(fill(c, i, i + 7, 0), rest);
        }
        e.endInterval();
        assertEquals(0, rest.deltas, "survivors are found after removals around them, idle");
        e.beginInterval();
        e.endInterval();
        assertEquals(0, e.size());
        assertEquals(N / 2 + N / 4, e.expired());
        assertTrue(e.memoryBytes() < peak / 20, "memory given back: " + e.memoryBytes() + " of " + peak);

        Tally again = new Tally();
        interval(e, 0, 5000, 1, 1, again);
        assertEquals(5000, again.firstSeen, "evicted connections come back as new");
        assertEquals(5000, e.size());
    }

    @Test
    void freedEntriesAreReusedWithoutNewMemory() {
        DeltaEngine e = new DeltaEngine(10_000, 5);
        interval(e, 0, 4000, 100, 100, new Tally());
        long before = e.memoryBytes();
        int index = e.indexCapacity();

        Tally churn = new Tally();
        MutableConnection c = new MutableConnection();
        e.beginInterval();
        for (int i = 0; i < 2000; i++) {
            e.closed(fill(c, i, 150 + i, 100), churn);
        }
        for (int i = 4000; i < 6000; i++) {
            e.update(fill(c, i, 100 + i, 100), churn);
        }
        for (int i = 2000; i < 4000; i++) {
            e.update(fill(c, i, 120 + i, 100), churn);
        }
        e.endInterval();
        assertEquals(4000, e.size());
        assertEquals(before, e.memoryBytes(), "the new connections took the closed ones' entries");
        assertEquals(index, e.indexCapacity());
        assertEquals(2000, churn.closed);
        assertEquals(2000, churn.firstSeen);
        assertEquals(50L * 2000 + 20L * 2000 + (100L * 2000 + (4000L + 5999) * 2000 / 2), churn.bytesSent);

        Tally check = new Tally();
        check.expectSent = 1;
        e.beginInterval();
        for (int i = 2000; i < 6000; i++) {
            long last = i < 4000 ? 120 + i : 100 + i;
            e.update(fill(c, i, last + 1, 100), check);
        }
        e.endInterval();
        assertEquals(4000, check.deltas);
        assertEquals(0, check.wrong, "reused entries carry only their new connection's counters");
        assertFalse(check.firstSeen > 0);
    }

    @Test
    void matchesASimpleModelWhileThePopulationSwellsAndShrinks() {
        int max = 12_000;
        DeltaEngine e = new DeltaEngine(max, 2);
        java.util.Random rnd = new java.util.Random(7);
        java.util.Map<Integer, long[]> model = new java.util.HashMap<>();
        long[] counters = new long[40_001];
        long[] mismatches = new long[1];
        long expectedRefused = 0;
        MutableConnection c = new MutableConnection();
        int[] populations = {500, 20_000, 300, 9000, 50, 15_000, 3000, 0};
        for (int round = 0; round < populations.length * 3; round++) {
            int generation = round + 1;
            int live = populations[round / 3];
            e.beginInterval();
            for (int k = 0; k < live; k++) {
                int i = rnd.nextInt(live * 2);
                counters[i] += rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(1000);
                long[] known = model.get(i);
                long expect = known == null ? counters[i] : counters[i] - known[0];
                if (known == null && model.size() >= max) {
                    expectedRefused++;
                } else if (known == null) {
                    model.put(i, new long[] {counters[i], generation});
                } else {
                    known[0] = counters[i];
                    known[1] = generation;
                }
                long want = expect;
                boolean refused = known == null && model.get(i) == null;
                e.update(fill(c, i, counters[i], 0), (v, d) -> {
                    if (refused || d.bytesSent() != want) {
                        mismatches[0]++;
                    }
                });
            }
            for (int k = 0; k < live / 10; k++) {
                int i = rnd.nextInt(live * 2 + 1);
                counters[i] += 5;
                long[] known = model.remove(i);
                long want = known == null ? counters[i] : counters[i] - known[0];
                e.closed(fill(c, i, counters[i], 0), (v, d) -> {
                    if (d.bytesSent() != want || !d.closed()) {
                        mismatches[0]++;
                    }
                });
                counters[i] = 0;
            }
            e.endInterval();
            model.values().removeIf(known -> generation - known[1] >= 2);
            assertEquals(model.size(), e.size(), "round " + round);
            assertEquals(0, mismatches[0], "round " + round);
            assertEquals(expectedRefused, e.refusedFull(), "round " + round);
        }
        assertTrue(e.memoryBytes() < 64 * 1024, "back to small after the population left: " + e.memoryBytes());
    }
}
