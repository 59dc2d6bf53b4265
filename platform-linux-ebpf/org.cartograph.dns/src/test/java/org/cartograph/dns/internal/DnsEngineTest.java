package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsStats;
import org.cartograph.flow.IpAddress;
import org.junit.jupiter.api.Test;

class DnsEngineTest {

    private static final long MS = 1_000_000L;
    private static final String CLIENT = "10.1.0.2";
    private static final String SERVER = "10.1.0.1";

    private final ReverseCache reverse = new ReverseCache(16, 60_000 * MS);

    private static DnsSettings settings(int maxStats, int maxPending, boolean domains, int... types) {
        return new DnsSettings(true, domains, 1000 * MS, maxStats, maxPending, false, types, new int[] {53, 5353},
                16, 60_000 * MS, 4);
    }

    private static void send(DnsEngine e, String src, int sport, String dst, int dport, byte[] dns, long at) {
        byte[] p = Packets.udp(src, sport, dst, dport, dns);
        e.onPacket(p, p.length, at);
    }

    private static DnsStats only(List<DnsStats> stats, String domain, String type) {
        return stats.stream().filter(s -> s.domain().equals(domain) && s.queryType().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no stats for " + domain + " " + type + " in " + stats));
    }

    @Test
    void matchesResponsesCountsRcodesAndLatency() {
        DnsEngine e = new DnsEngine(settings(100, 100, true), reverse);
        send(e, CLIENT, 40000, SERVER, 53, Packets.query(1, "ok.test", 1), 0);
        send(e, SERVER, 53, CLIENT, 40000, Packets.response(1, "ok.test", 1, 0, 30, "192.0.2.9"), 2 * MS);
        send(e, CLIENT, 40001, SERVER, 53, Packets.query(2, "ok.test", 1), 10 * MS);
        send(e, SERVER, 53, CLIENT, 40001, Packets.response(2, "ok.test", 1, 0, 30, "192.0.2.9"), 14 * MS);
        send(e, CLIENT, 40002, SERVER, 53, Packets.query(3, "nx.test", 28), 0);
        send(e, SERVER, 53, CLIENT, 40002, Packets.response(3, "nx.test", 28, 3, 0), 1 * MS);
        send(e, CLIENT, 40003, SERVER, 53, Packets.query(4, "nx.test", 28), 0);
        send(e, SERVER, 53, CLIENT, 40003, Packets.response(4, "nx.test", 28, 2, 0), 1 * MS);
        send(e, CLIENT, 40004, SERVER, 53, Packets.query(5, "nx.test", 28), 0);
        send(e, SERVER, 53, CLIENT, 40004, Packets.response(5, "nx.test", 28, 5, 0), 1 * MS);
        send(e, CLIENT, 40005, SERVER, 53, Packets.query(6, "nx.test", 28), 0);
        send(e, SERVER, 53, CLIENT, 40005, Packets.response(6, "nx.test", 28, 4, 0), 1 * MS);
        List<DnsStats> stats = e.collect();
        assertEquals(2, stats.size());
        DnsStats ok = only(stats, "ok.test", "A");
        assertEquals(2, ok.queries());
        assertEquals(Map.of("NOERROR", 2L), ok.rcodes());
        assertEquals(6000, ok.latencySumMicros());
        assertEquals(IpAddress.parse(CLIENT), ok.client());
        assertEquals(IpAddress.parse(SERVER), ok.server());
        assertTrue(Math.abs(ok.latencyP99Micros() - 4000) <= 4000 / 16, "p99 " + ok.latencyP99Micros());
        assertTrue(Math.abs(ok.latencyP50Micros() - 2000) <= 2000 / 16, "p50 " + ok.latencyP50Micros());
        DnsStats nx = only(stats, "nx.test", "AAAA");
        assertEquals(Map.of("NXDOMAIN", 1L, "SERVFAIL", 1L, "REFUSED", 1L, "OTHER", 1L), nx.rcodes());
        assertEquals(4, nx.queries());
        assertEquals(new org.cartograph.flow.DnsLatency(2, 6000, ok.latencyP50Micros(), ok.latencyP99Micros()),
                ok.successLatency(), "only NOERROR answers: the split equals the whole");
        assertEquals(org.cartograph.flow.DnsLatency.NONE, ok.failureLatency());
        assertEquals(4, nx.failureLatency().count());
        assertEquals(4000, nx.failureLatency().sumMicros());
        assertEquals(1000, nx.failureLatency().p99Micros());
        assertEquals(org.cartograph.flow.DnsLatency.NONE, nx.successLatency());
        assertEquals(List.of("ok.test"), reverse.lookup(0, IpAddress.parse("192.0.2.9").low(), 3 * MS));
        assertTrue(e.collect().isEmpty(), "collect starts a new interval");
    }

    @Test
    void timesOutUnansweredQueriesAndCountsLateAnswersAsUnmatched() {
        DnsEngine e = new DnsEngine(settings(100, 100, true), reverse);
        send(e, "fd00::2", 40000, "fd00::1", 53, Packets.query(9, "slow.test", 1), 0);
        e.expire(999 * MS);
        assertEquals(1L, e.counters().get("pending"));
        e.expire(1000 * MS);
        assertEquals(0L, e.counters().get("pending"));
        send(e, "fd00::1", 53, "fd00::2", 40000, Packets.response(9, "slow.test", 1, 0, 5), 1001 * MS);
        DnsStats s = only(e.collect(), "slow.test", "A");
        assertEquals(1, s.queries());
        assertEquals(1, s.timeouts());
        assertEquals(Map.of(), s.rcodes());
        assertEquals(1L, e.counters().get("unmatched_responses"));
    }

    @Test
    void boundsPendingAndStatsAndCountsDrops() {
        DnsEngine e = new DnsEngine(settings(2, 3, true), reverse);
        for (int i = 0; i < 5; i++) {
            send(e, CLIENT, 41000 + i, SERVER, 53, Packets.query(i, "d" + i + ".test", 1), 0);
        }
        Map<String, Long> c = e.counters();
        assertEquals(3L, c.get("pending"));
        assertEquals(2L, c.get("pending_drops"));
        assertEquals(3L, c.get("stats_drops"));
        assertEquals(2, e.collect().size());
    }

    @Test
    void countsARetransmittedQueryOnceAndHonoursFilters() {
        DnsEngine e = new DnsEngine(settings(100, 100, false, 1), reverse);
        byte[] q = Packets.query(77, "a.test", 1);
        send(e, CLIENT, 40000, SERVER, 5353, q, 0);
        send(e, CLIENT, 40000, SERVER, 5353, q, 1 * MS);
        send(e, CLIENT, 40001, SERVER, 53, Packets.query(78, "b.test", 16), 0);
        send(e, CLIENT, 40002, "127.0.0.53", 53, Packets.query(79, "c.test", 1), 0);
        send(e, CLIENT, 40003, SERVER, 54, Packets.query(80, "d.test", 1), 0);
        Map<String, Long> c = e.counters();
        assertEquals(1L, c.get("duplicate_queries"));
        assertEquals(1L, c.get("ignored_query_type"));
        assertEquals(1L, c.get("ignored_local"));
        DnsStats s = only(e.collect(), "", "A");
        assertEquals(1, s.queries());
    }

    @Test
    void countsMalformedAndUndecodablePacketsWithoutThrowing() {
        DnsEngine e = new DnsEngine(settings(100, 100, true), reverse);
        byte[] bad = Packets.udp(CLIENT, 40000, SERVER, 53, Packets.msg().header(1, 0x0100, 1, 0, 0, 0)
                .u16(0xC00C).u16(1).u16(1).build());
        e.onPacket(bad, bad.length, 0);
        e.onPacket(new byte[3], 3, 0);
        byte[] tcpQuery = Packets.tcp(CLIENT, 40000, SERVER, 53, Packets.query(5, "t.test", 1));
        e.onPacket(tcpQuery, tcpQuery.length, 0);
        Map<String, Long> c = e.counters();
        assertEquals(1L, c.get("malformed_bad_pointer"));
        assertEquals(1L, c.get("undecodable_bad_ip"));
        assertEquals(2L, c.get("malformed"));
        assertEquals(1L, c.get("queries"));
    }

    @Test
    void anExchangeSeenThroughTwoSocketsInAnyOrderCountsOnce() {
        DnsEngine e = new DnsEngine(settings(100, 100, true), reverse);
        byte[] q = Packets.query(5, "twice.test", 1);
        byte[] r = Packets.response(5, "twice.test", 1, 0, 30, "192.0.2.5");
        send(e, CLIENT, 40000, SERVER, 53, q, 1000 * MS);
        send(e, SERVER, 53, CLIENT, 40000, r, 1003 * MS);
        send(e, CLIENT, 40000, SERVER, 53, q, 1000 * MS + 10_000);
        send(e, SERVER, 53, CLIENT, 40000, r, 1003 * MS - 10_000);
        DnsStats s = only(e.collect(), "twice.test", "A");
        assertEquals(1, s.queries());
        assertEquals(Map.of("NOERROR", 1L), s.rcodes());
        assertEquals(3000, s.latencySumMicros());
        Map<String, Long> c = e.counters();
        assertEquals(1L, c.get("duplicate_queries"));
        assertEquals(1L, c.get("duplicate_responses"));
        e.expire(1003 * MS + 999 * MS);
        assertEquals(1L, e.counters().get("recently_answered"), "remembered for the timeout (at most 3 s)");
        e.expire(1003 * MS + 1000 * MS);
        assertEquals(0L, e.counters().get("recently_answered"));
        send(e, CLIENT, 40000, SERVER, 53, q, 5000 * MS);
        assertEquals(1, only(e.collect(), "twice.test", "A").queries(), "after the memory, the same id is a new query");
    }

    @Test
    void theReverseCacheKeepsRecentNamesBoundedAndExpires() {
        ReverseCache cache = new ReverseCache(2, 10 * MS);
        long a = IpAddress.parse("192.0.2.1").low();
        cache.put(0, a, "one.test", 1, 0);
        cache.put(0, a, "two.test", 1, 0);
        cache.put(0, a, "one.test", 1, 0);
        assertEquals(List.of("one.test", "two.test"), cache.lookup(0, a, 0));
        cache.put(0, 2, "b.test", 60, 0);
        cache.put(0, 3, "c.test", 60, 0);
        assertEquals(List.of(), cache.lookup(0, a, 0), "least recently used goes first");
        assertEquals(1, cache.evictions());
        assertEquals(List.of("b.test"), cache.lookup(0, 2, 60_000 * MS + 9 * MS));
        assertEquals(List.of(), cache.lookup(0, 2, 60_000 * MS + 10 * MS), "TTL plus grace passed");
        cache.expire(61_000 * MS);
        assertEquals(0, cache.size());
    }

    @Test
    void histogramPercentilesStayWithinOneBucket() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 1000; v++) {
            h.record(v * 100L);
        }
        assertEquals(1000, h.count());
        assertEquals(50_050_000L, h.sum());
        assertTrue(Math.abs(h.percentile(0.5) - 50_000) <= 50_000 / 16, "p50 " + h.percentile(0.5));
        assertTrue(Math.abs(h.percentile(0.99) - 99_000) <= 99_000 / 16, "p99 " + h.percentile(0.99));
        assertEquals(100, h.percentile(0));
        assertEquals(100_000, h.percentile(1));
        for (long v : new long[] {0, 1, 7, 8, 9, 15, 16, 1000, 123_456_789L}) {
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.lowerBound(i) <= v && v < LatencyHistogram.lowerBound(i) + LatencyHistogram.width(i),
                    "bucket of " + v);
        }
    }

    @Test
    void justAnsweredExchangesGiveWayToNewQueriesWhenThePendingTableIsFull() {
        DnsEngine e = new DnsEngine(settings(100, 2, true), reverse);
        send(e, CLIENT, 40000, SERVER, 53, Packets.query(1, "a.test", 1), 0);
        send(e, SERVER, 53, CLIENT, 40000, Packets.response(1, "a.test", 1, 0, 5), 1 * MS);
        send(e, CLIENT, 40001, SERVER, 53, Packets.query(2, "b.test", 1), 2 * MS);
        send(e, CLIENT, 40002, SERVER, 53, Packets.query(3, "c.test", 1), 3 * MS);
        send(e, CLIENT, 40003, SERVER, 53, Packets.query(4, "d.test", 1), 4 * MS);
        Map<String, Long> c = e.counters();
        assertEquals(2L, c.get("pending"));
        assertEquals(0L, c.get("recently_answered"));
        assertEquals(1L, c.get("pending_drops"));
    }
}
