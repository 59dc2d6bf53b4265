package org.cartograph.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.junit.jupiter.api.Test;

class DeltaEngineTest {

    /** A recorded delta: copies, since the engine reuses its objects. */
    record Seen(int lport, long cookie, long bytesSent, long bytesReceived, long packetsSent, long retransmits,
                int established, int closedCount, int failureErrno, boolean firstSeen, boolean closed, boolean reset) {
    }

    static final class Recorder implements DeltaListener {
        final List<Seen> seen = new ArrayList<>();

        @Override
        public void onDelta(org.cartograph.capture.ConnectionView c, Delta d) {
            seen.add(new Seen(c.localPort(), c.cookie(), d.bytesSent(), d.bytesReceived(), d.packetsSent(),
                    d.retransmits(), d.tcpEstablished(), d.tcpClosed(), d.failureErrno(), d.firstSeen(), d.closed(),
                    d.counterReset()));
        }

        List<Seen> take() {
            List<Seen> out = List.copyOf(seen);
            seen.clear();
            return out;
        }
    }

    static MutableConnection conn(int lport, long cookie, long sent, long received) {
        MutableConnection c = new MutableConnection().tuple(Protocol.TCP, IpAddress.parse("10.0.0.1"), lport,
                IpAddress.parse("10.0.0.2"), 443);
        c.netns = 4026531840L;
        c.cookie = cookie;
        c.bytesSent = sent;
        c.bytesReceived = received;
        c.packetsSent = sent / 100;
        c.packetsReceived = received / 100;
        c.tcpEstablished = 1;
        return c;
    }

    final DeltaEngine engine = new DeltaEngine(1000, 2);
    final Recorder rec = new Recorder();

    void interval(List<MutableConnection> open, List<MutableConnection> closed) {
        engine.beginInterval();
        open.forEach(c -> engine.update(c, rec));
        closed.forEach(c -> engine.closed(c, rec));
        engine.endInterval();
    }

    @Test
    void firstSightingReportsEverythingThenOnlyTheDifference() {
        interval(List.of(conn(40000, 1, 1000, 5000)), List.of());
        Seen first = rec.take().getFirst();
        assertEquals(1000, first.bytesSent());
        assertEquals(5000, first.bytesReceived());
        assertTrue(first.firstSeen());
        assertEquals(1, first.established());

        interval(List.of(conn(40000, 1, 1500, 5200)), List.of());
        Seen second = rec.take().getFirst();
        assertEquals(500, second.bytesSent());
        assertEquals(200, second.bytesReceived());
        assertEquals(0, second.established(), "established is counted once");
        assertFalse(second.firstSeen());
    }

    /** The table keeps a fingerprint of the key, not the key: every field must still tell keys apart. */
    @Test
    void everyFieldOfTheKeyTellsConnectionsApart() {
        List<Consumer<MutableConnection>> changes = List.of(c -> { }, c -> c.localHigh ^= 1,
                c -> c.localLow ^= 1, c -> c.remoteHigh ^= 1, c -> c.remoteLow ^= 1, c -> c.localPort++,
                c -> c.remotePort++, c -> c.netns++, c -> c.cookie++,
                c -> c.tuple(Protocol.UDP, IpAddress.parse("10.0.0.1"), 50000, IpAddress.parse("10.0.0.2"), 443));
        List<MutableConnection> variants = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            MutableConnection c = conn(50000, 7, 1000 * (i + 1), 0);
            changes.get(i).accept(c);
            variants.add(c);
        }
        interval(variants, List.of());
        assertEquals(changes.size(), engine.size(), "one entry per variant");
        rec.take();
        for (int i = 0; i < variants.size(); i++) {
            variants.get(i).bytesSent += i + 1;
        }
        interval(variants, List.of());
        List<Seen> second = rec.take();
        assertEquals(changes.size(), second.size());
        for (int i = 0; i < second.size(); i++) {
            assertEquals(i + 1, second.get(i).bytesSent(), "variant " + i + " got only its own bytes");
        }
    }

    @Test
    void idleConnectionsProduceNoDelta() {
        interval(List.of(conn(40000, 1, 1000, 5000)), List.of());
        rec.take();
        interval(List.of(conn(40000, 1, 1000, 5000)), List.of());
        assertEquals(List.of(), rec.take());
        assertEquals(1, engine.size());
    }

    @Test
    void connectionClosedBetweenIntervalsIsReportedOnceWithItsLastBytes() {
        interval(List.of(conn(40000, 1, 1000, 5000)), List.of());
        rec.take();
        MutableConnection fin = conn(40000, 1, 1800, 9000);
        fin.tcpClosed = 1;
        interval(List.of(), List.of(fin));
        List<Seen> seen = rec.take();
        assertEquals(1, seen.size());
        assertEquals(800, seen.getFirst().bytesSent());
        assertEquals(4000, seen.getFirst().bytesReceived());
        assertTrue(seen.getFirst().closed());
        assertEquals(1, seen.getFirst().closedCount());
        assertEquals(0, engine.size());
        interval(List.of(), List.of());
        assertEquals(List.of(), rec.take(), "a closed connection is reported once");
    }

    @Test
    void connectionSeenOpenAndClosedInTheSameIntervalIsNotDoubled() {
        interval(List.of(conn(40000, 1, 100, 100)), List.of());
        rec.take();
        interval(List.of(conn(40000, 1, 300, 300)), List.of(conn(40000, 1, 350, 400)));
        List<Seen> seen = rec.take();
        long sent = seen.stream().mapToLong(Seen::bytesSent).sum();
        long received = seen.stream().mapToLong(Seen::bytesReceived).sum();
        assertEquals(250, sent);
        assertEquals(300, received);
    }

    @Test
    void shortLivedConnectionNeverSeenOpenReportsAllItsCounters() {
        MutableConnection c = conn(40001, 9, 64, 128);
        c.tcpClosed = 1;
        interval(List.of(), List.of(c));
        Seen s = rec.take().getFirst();
        assertEquals(64, s.bytesSent());
        assertEquals(128, s.bytesReceived());
        assertTrue(s.closed() && s.firstSeen());
    }

    @Test
    void counterResetIsTakenAsANewConnectionNeverNegative() {
        interval(List.of(conn(40000, 0, 10_000, 10_000)), List.of());
        rec.take();
        interval(List.of(conn(40000, 0, 300, 20_000)), List.of());
        Seen s = rec.take().getFirst();
        assertTrue(s.reset());
        assertEquals(300, s.bytesSent());
        assertEquals(20_000, s.bytesReceived());
        assertEquals(1, engine.resets());
        interval(List.of(conn(40000, 0, 400, 20_100)), List.of());
        Seen next = rec.take().getFirst();
        assertEquals(100, next.bytesSent());
        assertEquals(100, next.bytesReceived());
    }

    @Test
    void reusedTupleWithNewCookieNeverMixesOldAndNew() {
        interval(List.of(conn(40000, 1, 1000, 1000)), List.of());
        rec.take();
        // old one closes after the new one (same 5-tuple, new cookie) was already seen
        interval(List.of(conn(40000, 2, 50, 60)), List.of(conn(40000, 1, 1200, 1100)));
        List<Seen> seen = rec.take();
        assertEquals(2, seen.size());
        Seen fresh = seen.stream().filter(x -> x.cookie() == 2).findFirst().orElseThrow();
        Seen old = seen.stream().filter(x -> x.cookie() == 1).findFirst().orElseThrow();
        assertEquals(50, fresh.bytesSent());
        assertEquals(200, old.bytesSent());
        assertEquals(100, old.bytesReceived());
        assertTrue(old.closed());
        assertEquals(1, engine.size());
    }

    @Test
    void failureAndRetransmitsCountedOnce() {
        MutableConnection c = conn(40000, 1, 0, 0);
        c.tcpEstablished = 0;
        c.failureErrno = 111;
        c.retransmits = 2;
        interval(List.of(c), List.of());
        Seen s = rec.take().getFirst();
        assertEquals(111, s.failureErrno());
        assertEquals(2, s.retransmits());
        c.retransmits = 3;
        interval(List.of(c), List.of());
        Seen s2 = rec.take().getFirst();
        assertEquals(0, s2.failureErrno());
        assertEquals(1, s2.retransmits());
    }

    @Test
    void vanishedConnectionsExpireAndAFullTableRefusesAndCounts() {
        DeltaEngine small = new DeltaEngine(2, 1);
        small.beginInterval();
        small.update(conn(1, 1, 1, 1), rec);
        small.update(conn(2, 2, 1, 1), rec);
        small.update(conn(3, 3, 1, 1), rec);
        small.endInterval();
        assertEquals(2, small.size());
        assertEquals(1, small.refusedFull());
        small.beginInterval();
        small.endInterval();
        assertEquals(0, small.size());
        assertEquals(2, small.expired());
    }

    @Test
    void manyConsumersEachGetTheirOwnDeltas() {
        DeltaEngine fast = new DeltaEngine(100, 5);
        DeltaEngine slow = new DeltaEngine(100, 5);
        Recorder fastRec = new Recorder();
        Recorder slowRec = new Recorder();
        long fastTotal = 0;
        long slowTotal = 0;
        for (int i = 1; i <= 6; i++) {
            MutableConnection c = conn(40000, 1, i * 100L, 0);
            fast.beginInterval();
            fast.update(c, fastRec);
            fast.endInterval();
            fastTotal += fastRec.take().stream().mapToLong(Seen::bytesSent).sum();
            if (i % 3 == 0) {
                slow.beginInterval();
                slow.update(c, slowRec);
                slow.endInterval();
                slowTotal += slowRec.take().stream().mapToLong(Seen::bytesSent).sum();
            }
        }
        MutableConnection fin = conn(40000, 1, 1000, 0);
        fast.beginInterval();
        fast.closed(fin, fastRec);
        fast.endInterval();
        slow.beginInterval();
        slow.closed(fin, slowRec);
        slow.endInterval();
        fastTotal += fastRec.take().stream().mapToLong(Seen::bytesSent).sum();
        slowTotal += slowRec.take().stream().mapToLong(Seen::bytesSent).sum();
        assertEquals(1000, fastTotal, "every byte once for the per-interval consumer");
        assertEquals(1000, slowTotal, "every byte once for the slower consumer");
    }

    @Test
    void tableStaysConsistentUnderChurn() {
        DeltaEngine e = new DeltaEngine(5000, 3);
        Recorder r = new Recorder();
        java.util.Random rnd = new java.util.Random(42);
        java.util.Map<Integer, Long> live = new java.util.HashMap<>();
        long reported = 0;
        long expected = 0;
        for (int round = 0; round < 50; round++) {
            e.beginInterval();
            for (int k = 0; k < 200; k++) {
                int port = rnd.nextInt(3000);
                long prev = live.getOrDefault(port, 0L);
                long now = prev + 1 + rnd.nextInt(100);
                live.put(port, now);
                expected += now - prev;
            }
            List<Integer> closing = new ArrayList<>();
            for (var en : live.entrySet()) {
                if (rnd.nextInt(10) == 0) {
                    closing.add(en.getKey());
                } else {
                    e.update(conn(en.getKey(), en.getKey() + 1, en.getValue(), 0), r);
                }
            }
            for (int port : closing) {
                e.closed(conn(port, port + 1, live.remove(port), 0), r);
            }
            e.endInterval();
            long got = r.take().stream().mapToLong(Seen::bytesSent).sum();
            reported += got;
            assertEquals(expected, reported, "round " + round);
            assertEquals(live.size(), e.size());
        }
        e.beginInterval();
        for (var en : live.entrySet()) {
            e.closed(conn(en.getKey(), en.getKey() + 1, en.getValue(), 0), r);
        }
        e.endInterval();
        reported += r.take().stream().mapToLong(Seen::bytesSent).sum();
        assertEquals(expected, reported, "every byte reported exactly once across churn");
        assertEquals(0, e.size());
    }
}
