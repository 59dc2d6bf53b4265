package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsStats;
import org.junit.jupiter.api.Test;

/** DNS over TCP through the engine, with crafted segments: reassembly, duplicates, gaps, limits. */
class TcpReassemblyTest {

    private static final long MS = 1_000_000L;
    private static final String C = "10.1.0.2";
    private static final String S = "10.1.0.1";
    private static final int SYN = 2;
    private static final int FIN = 1;
    private static final int RST = 4;
    private static final int PSH_ACK = 0x18;

    private final ReverseCache reverse = new ReverseCache(64, 60_000 * MS);

    private static DnsEngine engine(int maxStreams) {
        return new DnsEngine(new DnsSettings(true, true, 1000 * MS, 100, 100, false, new int[0], new int[] {53}, 64,
                60_000 * MS, maxStreams), new ReverseCache(64, 60_000 * MS));
    }

    private static void seg(DnsEngine e, String src, int sport, String dst, int dport, int seq, int flags, byte[] data,
                            long at) {
        byte[] p = Packets.segment(src, sport, dst, dport, seq, flags, data);
        e.onPacket(p, p.length, at);
    }

    private static void query(DnsEngine e, int sport, int seq, int flags, byte[] data, long at) {
        seg(e, C, sport, S, 53, seq, flags, data, at);
    }

    private static void answer(DnsEngine e, int dport, int seq, int flags, byte[] data, long at) {
        seg(e, S, 53, C, dport, seq, flags, data, at);
    }

    private static DnsStats only(List<DnsStats> stats, String domain) {
        return stats.stream().filter(s -> s.domain().equals(domain)).findFirst()
                .orElseThrow(() -> new AssertionError("no stats for " + domain + " in " + stats));
    }

    private static String[] addresses(int n) {
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = "192.0." + (i / 250) + "." + (i % 250 + 1);
        }
        return a;
    }

    @Test
    void severalMessagesInOneSegmentAndOneMessageOverSeveralSegments() {
        DnsEngine e = engine(16);
        query(e, 40000, 1000, SYN, new byte[0], 0);
        answer(e, 40000, 5000, SYN | 0x10, new byte[0], 0);
        query(e, 40000, 1001, PSH_ACK, Packets.framed(Packets.query(1, "a.test", 1), Packets.query(2, "b.test", 1)),
                1 * MS);
        byte[] big = Packets.framed(Packets.response(1, "a.test", 1, 0, 60, addresses(300)));
        assertTrue(big.length > 4000, "a response that needs several segments");
        int seq = 5001;
        int[] cuts = {1, 1400, 2800, big.length};
        for (int i = 0, from = 0; i < cuts.length; from = cuts[i++]) {
            answer(e, 40000, seq + from, PSH_ACK, Arrays.copyOfRange(big, from, cuts[i]), 3 * MS);
        }
        answer(e, 40000, seq + big.length, PSH_ACK, Packets.framed(Packets.response(2, "b.test", 1, 3, 0)), 4 * MS);
        Map<String, Long> c = e.counters();
        assertEquals(2L, c.get("queries"));
        assertEquals(2L, c.get("responses"));
        assertEquals(1L, c.get("tcp_reassembled_messages"));
        assertEquals(4L, c.get("tcp_messages"));
        assertEquals(0L, c.get("malformed"));
        List<DnsStats> stats = e.collect();
        assertEquals(Map.of("NOERROR", 1L), only(stats, "a.test").rcodes());
        assertEquals(2000, only(stats, "a.test").latencySumMicros(), "latency up to the segment that completed it");
        assertEquals(Map.of("NXDOMAIN", 1L), only(stats, "b.test").rcodes());
        query(e, 40000, 1001 + 2 * 26, FIN | 0x10, new byte[0], 5 * MS);
        answer(e, 40000, seq + big.length + 27, FIN | 0x10, new byte[0], 5 * MS);
        assertEquals(0L, e.counters().get("tcp_streams"), "FIN drops both directions' state");
    }

    @Test
    void retransmittedAndOverlappingSegmentsAreTrimmedAndGapsDropThePartialMessage() {
        DnsEngine e = engine(16);
        byte[] q = Packets.framed(Packets.query(7, "retx.test", 1));
        query(e, 40001, 100, PSH_ACK, Arrays.copyOfRange(q, 0, 10), 0);
        query(e, 40001, 100, PSH_ACK, Arrays.copyOfRange(q, 0, 10), 1 * MS);
        query(e, 40001, 105, PSH_ACK, Arrays.copyOfRange(q, 5, q.length), 2 * MS);
        query(e, 40001, 100, PSH_ACK, q, 3 * MS);
        Map<String, Long> c = e.counters();
        assertEquals(2L, c.get("tcp_duplicate_segments"));
        assertEquals(1L, c.get("tcp_overlapping_segments"));
        assertEquals(1L, c.get("queries"));
        assertEquals(0L, c.get("duplicate_queries"));

        byte[] r = Packets.framed(Packets.response(7, "retx.test", 1, 0, 60, "192.0.2.7"));
        answer(e, 40001, 900, PSH_ACK, Arrays.copyOfRange(r, 0, 8), 4 * MS);
        answer(e, 40001, 920, PSH_ACK, Arrays.copyOfRange(r, 20, r.length), 5 * MS);
        answer(e, 40001, 908, PSH_ACK, Arrays.copyOfRange(r, 8, 20), 6 * MS);
        c = e.counters();
        assertEquals(1L, c.get("tcp_gaps"), "the reordered segment");
        assertEquals(0L, c.get("responses"), "the message that lost its middle is dropped, never misparsed");
        assertEquals(0L, c.get("malformed"));
        answer(e, 40001, 900 + r.length, PSH_ACK, r, 7 * MS);
        assertEquals(1L, e.counters().get("responses"), "the stream carries on with the next message");
    }

    @Test
    void ipv6StreamsAreReassembledToo() {
        DnsEngine e = engine(16);
        byte[] q = Packets.framed(Packets.query(11, "v6.test", 28));
        byte[] r = Packets.framed(Packets.response(11, "v6.test", 28, 0, 60, "2001:db8::11"));
        seg(e, "fd00::2", 40010, "fd00::1", 53, -2, PSH_ACK, Arrays.copyOfRange(q, 0, 3), 0);
        seg(e, "fd00::2", 40010, "fd00::1", 53, 1, PSH_ACK, Arrays.copyOfRange(q, 3, q.length), 1 * MS);
        seg(e, "fd00::1", 53, "fd00::2", 40010, 7, PSH_ACK, r, 3 * MS);
        Map<String, Long> c = e.counters();
        assertEquals(1L, c.get("tcp_reassembled_messages"), "across the sequence number wrap");
        assertEquals(1L, c.get("responses"));
        DnsStats s = only(e.collect(), "v6.test");
        assertEquals(Map.of("NOERROR", 1L), s.rcodes());
        assertEquals(2000, s.successLatency().sumMicros());
        assertEquals(1, s.successLatency().count());
        assertEquals(0, s.failureLatency().count());
    }

    @Test
    void lengthsShorterThanAHeaderDesynchroniseTheStreamUntilTheNextSegment() {
        DnsEngine e = engine(16);
        query(e, 40002, 1, PSH_ACK, new byte[] {0, 3, 1, 2, 3}, 0);
        query(e, 40002, 6, PSH_ACK, Packets.framed(Packets.query(9, "after.test", 1)), 1 * MS);
        Map<String, Long> c = e.counters();
        assertEquals(1L, c.get("tcp_bad_lengths"));
        assertEquals(1L, c.get("queries"));
    }

    @Test
    void streamsAreBoundedEvictedByAgeAndDroppedOnReset() {
        DnsEngine e = engine(4);
        byte[] half = Arrays.copyOfRange(Packets.framed(Packets.query(1, "x.test", 1)), 0, 6);
        for (int i = 0; i < 6; i++) {
            query(e, 41000 + i, 1, PSH_ACK, half, i * MS);
        }
        Map<String, Long> c = e.counters();
        assertEquals(4L, c.get("tcp_streams"));
        assertEquals(2L, c.get("tcp_stream_evictions"));
        query(e, 41005, 1 + half.length, RST, new byte[0], 7 * MS);
        assertEquals(3L, e.counters().get("tcp_streams"), "RST drops the stream");
        e.expire(7 * MS + 29_000 * MS);
        assertEquals(3L, e.counters().get("tcp_streams"));
        e.expire(5 * MS + 30_000 * MS);
        c = e.counters();
        assertEquals(0L, c.get("tcp_streams"), "idle streams dropped");
        assertEquals(3L, c.get("tcp_stream_idle_drops"));
    }

    @Test
    void theLargestMessageFitsAndGarbageNeverThrows() {
        DnsEngine e = engine(2);
        byte[] max = new byte[TcpReassembler.MAX_BUFFER];
        byte[] q = Packets.query(3, "max.test", 1);
        System.arraycopy(q, 0, max, 2, q.length);
        max[0] = (byte) 0xFF;
        max[1] = (byte) 0xFF;
        for (int off = 0; off < max.length; off += 1000) {
            query(e, 42000, 1 + off, PSH_ACK, Arrays.copyOfRange(max, off, Math.min(max.length, off + 1000)), 0);
        }
        assertEquals(1L, e.counters().get("tcp_reassembled_messages"));
        java.util.Random rnd = new java.util.Random(5);
        for (int i = 0; i < 3_000; i++) {
            byte[] junk = new byte[rnd.nextInt(300)];
            rnd.nextBytes(junk);
            query(e, 42001 + rnd.nextInt(8), rnd.nextInt(4000), rnd.nextInt(64), junk, i * MS);
            answer(e, 42001 + rnd.nextInt(8), rnd.nextInt(4000), rnd.nextInt(64), junk, i * MS);
        }
        assertTrue(e.counters().get("tcp_streams") <= 2);
    }
}
