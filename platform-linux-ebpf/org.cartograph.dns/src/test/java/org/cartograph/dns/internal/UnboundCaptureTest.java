package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor against a real unbound in network namespace a, queried from namespace b with dig
 * and with a Java resolver; the monitor watches both namespaces (and its own) with real packet
 * sockets, and must count every exchange exactly once.
 */
class UnboundCaptureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern DIG_STATUS = Pattern.compile("status: (\\w+)");
    private static final int BIG_RECORDS = 150;
    private static final Pattern DIG_TIME = Pattern.compile("Query time: (\\d+) msec");

    @TempDir
    static Path dir;
    private static TestHosts hosts;
    private static DnsMonitorComponent monitor;
    private static String extraA;
    /** domain|type → totals over every collect() so far. */
    private static final Map<String, Totals> TOTALS = new HashMap<>();

    /** What the monitor reported for one key, summed over intervals. */
    static final class Totals {
        long queries;
        long timeouts;
        long latencySum;
        long lastP50;
        long successCount;
        long successSum;
        long failureCount;
        long failureSum;
        long lastFailureP50;
        IpAddress client;
        IpAddress server;
        final Map<String, Long> rcodes = new LinkedHashMap<>();
    }

    @BeforeAll
    static void startUnboundAndMonitor() throws Exception {
        hosts = TestHosts.create();
        extraA = hosts.ipA().substring(0, hosts.ipA().lastIndexOf('.')) + ".3";
        hosts.exec(hosts.a(), "ip", "addr", "add", extraA + "/32", "dev", "lo").ok();
        Path conf = Files.writeString(dir.resolve("unbound.conf"), String.join("\n",
                "server:",
                "  interface: " + hosts.ipA(),
                "  interface: " + hosts.ip6A(),
                "  port: 53",
                "  do-daemonize: no",
                "  username: \"\"",
                "  chroot: \"\"",
                "  directory: \"" + dir + "\"",
                "  pidfile: \"\"",
                "  use-syslog: no",
                "  logfile: \"\"",
                "  do-ip6: yes",
                "  access-control: 0.0.0.0/0 allow",
                "  access-control: ::/0 allow",
                "  module-config: \"iterator\"",
                "  do-not-query-localhost: no",
                "  infra-cache-max-rtt: 200",
                "  outbound-msg-retry: 1",
                "  max-sent-count: 3",
                "  unknown-server-time-limit: 100",
                "  local-zone: \".\" static",
                "  local-zone: \"ok.test.\" static",
                "  local-data: \"www.ok.test. 300 IN A " + hosts.ipA() + "\"",
                "  local-data: \"split.ok.test. 300 IN A " + hosts.ipA() + "\"",
                "  local-data: \"www6.ok.test. 300 IN AAAA " + hosts.ip6A() + "\"",
                "  local-data: \"tcp.ok.test. 300 IN TXT hello\"",
                "  local-data: \"java.ok.test. 300 IN A " + hosts.ipA() + "\"",
                "  local-data: \"java6.ok.test. 300 IN AAAA " + hosts.ip6A() + "\"",
                "  local-data: \"api.ok.test. 120 IN A " + extraA + "\"",
                bigZone(),
                "  local-zone: \"nx.test.\" static",
                "  local-zone: \"refused.test.\" refuse",
                "  local-zone: \"servfail.test.\" transparent",
                "forward-zone:",
                "  name: \"servfail.test.\"",
                "  forward-addr: 127.0.0.1@9",
                "remote-control:",
                "  control-enable: no",
                ""));
        segmentSmall();
        hosts.spawn(hosts.a(), dir.resolve("unbound.log"), "unbound", "-d", "-c", conf.toString());
        hosts.exec(hosts.a(), "iptables", "-A", "INPUT", "-p", "udp", "--dport", "5300", "-j", "DROP").ok();
        Await.until(WAIT, "unbound answers", () -> dig(hosts.ipA(), "www.ok.test", "A").contains("NOERROR"));
        TestConfig c = new TestConfig();
        c.timeoutS = 2;
        c.ports = new int[] {53, 5300};
        long self = NamespaceScanner.inode(Path.of("/proc/self/ns/net"));
        Map<Long, Path> namespaces = new LinkedHashMap<>();
        namespaces.put(self, null);
        namespaces.put(TestHosts.inode(hosts.a()), Path.of("/var/run/netns", hosts.a()));
        namespaces.put(TestHosts.inode(hosts.b()), Path.of("/var/run/netns", hosts.b()));
        monitor = new DnsMonitorComponent(c, () -> namespaces);
        Await.until(WAIT, "sockets in three namespaces", () -> counter("namespaces_watched") == 3);
    }

    /** {@value #BIG_RECORDS} A records for big.ok.test: an answer of about 2.5 KB. */
    private static String bigZone() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BIG_RECORDS; i++) {
            sb.append(sb.isEmpty() ? "" : "\n").append("  local-data: \"big.ok.test. 300 IN A 10.99.")
                    .append(i / 200).append('.').append(i % 200 + 1).append('"');
        }
        return sb.toString();
    }

    /**
     * Makes TCP cut what it sends between the two hosts into real segments of at most 500 bytes: the
     * client advertises that MSS towards the server, and neither veth end accepts GSO super-packets
     * (a packet socket would otherwise see one large segment).
     */
    private static void segmentSmall() {
        for (String ns : new String[] {hosts.a(), hosts.b()}) {
            String link = hosts.exec(ns, "ip", "-o", "link", "show", "type", "veth").ok().stdout();
            String dev = link.substring(link.indexOf(':') + 1, link.indexOf('@')).strip();
            hosts.exec(ns, "ip", "link", "set", "dev", dev, "gso_max_segs", "1").ok();
            if (ns.equals(hosts.b())) {
                hosts.exec(ns, "ip", "route", "add", hosts.ipA() + "/32", "dev", dev, "advmss", "500").ok();
            }
        }
    }

    @AfterAll
    static void stop() {
        if (monitor != null) {
            monitor.deactivate();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private static long counter(String name) {
        return monitor.status().get(0).counters().getOrDefault(name, -1L);
    }

    private static String dig(String server, String name, String type, String... options) {
        List<String> cmd = new ArrayList<>(List.of("dig", "@" + server, name, type, "+tries=1", "+time=1"));
        cmd.addAll(List.of(options));
        return hosts.exec(hosts.b(), cmd.toArray(String[]::new)).stdout();
    }

    /** Runs dig, checks its status, and returns dig's own query time in ms. */
    private static long digExpect(String server, String name, String type, String status, String... options) {
        String out = dig(server, name, type, options);
        Matcher s = DIG_STATUS.matcher(out);
        assertTrue(s.find() && s.group(1).equals(status), "dig " + name + ": " + out);
        Matcher t = DIG_TIME.matcher(out);
        assertTrue(t.find(), out);
        return Long.parseLong(t.group(1));
    }

    private static String java(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), NetnsTool.class.getName()));
        cmd.addAll(List.of(args));
        return hosts.exec(ns, cmd.toArray(String[]::new)).ok().stdout().strip();
    }

    private static synchronized void drain() {
        for (DnsStats s : monitor.collect()) {
            Totals t = TOTALS.computeIfAbsent(s.domain() + "|" + s.queryType(), k -> new Totals());
            t.queries += s.queries();
            t.timeouts += s.timeouts();
            t.latencySum += s.latencySumMicros();
            if (!s.rcodes().isEmpty()) {
                t.lastP50 = s.latencyP50Micros();
            }
            t.successCount += s.successLatency().count();
            t.successSum += s.successLatency().sumMicros();
            t.failureCount += s.failureLatency().count();
            t.failureSum += s.failureLatency().sumMicros();
            if (s.failureLatency().count() > 0) {
                t.lastFailureP50 = s.failureLatency().p50Micros();
            }
            t.client = s.client();
            t.server = s.server();
            s.rcodes().forEach((k, v) -> t.rcodes.merge(k, v, Long::sum));
        }
    }

    private static Totals awaitKey(String domain, String type, long queries, long answered, long timeouts) {
        String key = domain + "|" + type;
        Await.until(WAIT, queries + " queries, " + answered + " answers and " + timeouts + " timeouts of " + key, () -> {
            drain();
            Totals t = TOTALS.get(key);
            return t != null && t.queries == queries && t.timeouts == timeouts
                    && t.rcodes.values().stream().mapToLong(Long::longValue).sum() == answered;
        });
        Totals t = TOTALS.get(key);
        assertTrue(t.queries == queries && t.timeouts == timeouts, "counted twice? " + key);
        return t;
    }

    /**
     * The wire latency (kernel timestamps) is positive and at most what the client measured: dig
     * truncates to whole milliseconds, hence one more per exchange, and the kernel's realtime
     * stamps and the client's monotonic clock may differ by a few milliseconds.
     */
    private static void assertWireLatency(long clientMicros, int exchanges, long wireMicros, String what) {
        assertTrue(wireMicros > 0 && wireMicros <= clientMicros + 1000L * exchanges + 5000,
                what + ": monitor says " + wireMicros + " µs, the client measured " + clientMicros + " µs");
    }

    @Test
    void digQueriesAreCountedOnceByDomainRcodeAndLatency() {
        long ok = 0;
        for (int i = 0; i < 3; i++) {
            ok += digExpect(hosts.ipA(), "www.ok.test", "A", "NOERROR");
        }
        digExpect(hosts.ipA(), "a.nx.test", "A", "NXDOMAIN");
        digExpect(hosts.ipA(), "a.nx.test", "A", "NXDOMAIN");
        digExpect(hosts.ipA(), "a.refused.test", "A", "REFUSED");
        long servfail = digExpect(hosts.ipA(), "a.servfail.test", "A", "SERVFAIL");
        digExpect(hosts.ip6A(), "www6.ok.test", "AAAA", "NOERROR");
        digExpect(hosts.ipA(), "tcp.ok.test", "TXT", "NOERROR", "+tcp");

        Totals www = awaitKey("www.ok.test", "A", 3, 3, 0);
        assertEquals(Map.of("NOERROR", 3L), www.rcodes);
        assertEquals(IpAddress.parse(hosts.ipB()), www.client);
        assertEquals(IpAddress.parse(hosts.ipA()), www.server);
        assertWireLatency(ok * 1000, 3, www.latencySum, "www.ok.test latency sum");
        assertEquals(Map.of("NXDOMAIN", 2L), awaitKey("a.nx.test", "A", 2, 2, 0).rcodes);
        assertEquals(Map.of("REFUSED", 1L), awaitKey("a.refused.test", "A", 1, 1, 0).rcodes);
        Totals sf = awaitKey("a.servfail.test", "A", 1, 1, 0);
        assertEquals(Map.of("SERVFAIL", 1L), sf.rcodes);
        assertWireLatency(servfail * 1000, 1, sf.latencySum, "SERVFAIL latency");
        assertTrue(sf.latencySum >= servfail * 1000 * 8 / 10,
                "the server's ~200 ms dominate: wire " + sf.latencySum + " µs, client " + servfail + " ms");
        assertTrue(sf.lastP50 >= 150_000 && Math.abs(sf.lastP50 - sf.latencySum) <= sf.latencySum / 16,
                "p50 of one answer is its latency (±6 %): " + sf.lastP50 + " vs " + sf.latencySum);
        Totals v6 = awaitKey("www6.ok.test", "AAAA", 1, 1, 0);
        assertEquals(IpAddress.parse(hosts.ip6B()), v6.client);
        assertEquals(IpAddress.parse(hosts.ip6A()), v6.server);
        assertEquals(Map.of("NOERROR", 1L), awaitKey("tcp.ok.test", "TXT", 1, 1, 0).rcodes);
    }

    @Test
    void javaResolverQueriesOverUdpTcpAndIpv6AreCounted() {
        List<Long> micros = new ArrayList<>();
        for (String proto : new String[] {"udp", "udp", "tcp"}) {
            String r = java(hosts.b(), "query", hosts.ipA(), "53", "java.ok.test", "A", proto);
            assertTrue(r.startsWith("rcode=0 "), r);
            micros.add(Long.parseLong(r.replaceAll(".*micros=(\\d+).*", "$1")));
        }
        assertTrue(java(hosts.b(), "query", hosts.ipA(), "53", "j.nx.test", "A", "udp").startsWith("rcode=3 "));
        assertTrue(java(hosts.b(), "query", hosts.ip6A(), "53", "java6.ok.test", "AAAA", "udp")
                .startsWith("rcode=0 "));

        Totals t = awaitKey("java.ok.test", "A", 3, 3, 0);
        assertEquals(Map.of("NOERROR", 3L), t.rcodes);
        assertWireLatency(micros.stream().mapToLong(Long::longValue).sum(), 0, t.latencySum, "java.ok.test");
        assertEquals(Map.of("NXDOMAIN", 1L), awaitKey("j.nx.test", "A", 1, 1, 0).rcodes);
        assertEquals(IpAddress.parse(hosts.ip6B()), awaitKey("java6.ok.test", "AAAA", 1, 1, 0).client);
        assertTrue(monitor.namesOf(IpAddress.parse(hosts.ip6A())).contains("java6.ok.test"),
                "AAAA answers fill the reverse cache");
    }

    @Test
    void dnsOverTcpIsReassembledAcrossSegmentsAndPipelinedQueries() {
        long before = counter("tcp_reassembled_messages");
        String big = dig(hosts.ipA(), "big.ok.test", "A", "+tcp");
        assertTrue(big.contains("status: NOERROR") && big.contains("ANSWER: " + BIG_RECORDS), big);
        Matcher size = Pattern.compile("MSG SIZE  rcvd: (\\d+)").matcher(big);
        assertTrue(size.find() && Integer.parseInt(size.group(1)) > 2000, "an answer of several segments: " + big);
        digExpect(hosts.ipA(), "big.ok.test", "A", "NOERROR", "+tcp");
        digExpect(hosts.ipA(), "t.nx.test", "A", "NXDOMAIN", "+tcp");
        assertEquals("rcodes=0,3", java(hosts.b(), "pipeline", hosts.ipA(), "53", "tcp.ok.test", "p.nx.test"));

        Totals t = awaitKey("big.ok.test", "A", 2, 2, 0);
        assertEquals(Map.of("NOERROR", 2L), t.rcodes);
        assertEquals(2, t.successCount);
        assertEquals(Map.of("NXDOMAIN", 1L), awaitKey("t.nx.test", "A", 1, 1, 0).rcodes);
        assertEquals(Map.of("NXDOMAIN", 1L), awaitKey("p.nx.test", "A", 1, 1, 0).rcodes);
        assertTrue(counter("tcp_reassembled_messages") >= before + 3,
                "both big answers and the pipelined query were reassembled: " + monitor.status());
        assertEquals(0L, counter("malformed"), monitor.status().toString());
        long named = java.util.stream.IntStream.range(0, BIG_RECORDS).filter(i -> monitor.namesOf(
                IpAddress.parse("10.99." + i / 200 + "." + (i % 200 + 1))).contains("big.ok.test")).count();
        assertTrue(named >= DnsMessage.MAX_ADDRESSES, "the reassembled answers' addresses (as many as kept per "
                + "answer) reached the reverse cache: " + named);
    }

    @Test
    void successAndFailureLatenciesLandInTheirOwnSets() {
        long ok = digExpect(hosts.ipA(), "split.ok.test", "A", "NOERROR");
        ok += digExpect(hosts.ipA(), "split.ok.test", "A", "NOERROR");
        digExpect(hosts.ipA(), "split.nx.test", "A", "NXDOMAIN");
        digExpect(hosts.ipA(), "split.refused.test", "A", "REFUSED");

        Totals good = awaitKey("split.ok.test", "A", 2, 2, 0);
        assertEquals(2, good.successCount);
        assertEquals(0, good.failureCount);
        assertEquals(good.latencySum, good.successSum);
        assertWireLatency(ok * 1000, 2, good.successSum, "NOERROR latency");
        Totals nx = awaitKey("split.nx.test", "A", 1, 1, 0);
        assertEquals(0, nx.successCount);
        assertEquals(1, nx.failureCount);
        assertEquals(nx.latencySum, nx.failureSum);
        Totals refused = awaitKey("split.refused.test", "A", 1, 1, 0);
        assertEquals(1, refused.failureCount);
        assertEquals(0, refused.successCount);
        assertTrue(refused.failureSum > 0 && refused.lastFailureP50 > 0, "REFUSED latency measured");
    }

    @Test
    void unansweredQueriesTimeOut() {
        assertTrue(dig(hosts.ipA(), "lost.ok.test", "A", "-p", "5300").contains("timed out"));
        assertTrue(dig(hosts.ipA(), "lost.ok.test", "A", "-p", "5300").contains("timed out"));
        assertEquals("timeout", java(hosts.b(), "query", hosts.ipA(), "5300", "jlost.ok.test", "A", "udp"));
        Totals t = awaitKey("lost.ok.test", "A", 2, 0, 2);
        assertEquals(Map.of(), t.rcodes);
        assertEquals(0, t.latencySum);
        awaitKey("jlost.ok.test", "A", 1, 0, 1);
    }

    @Test
    void theFlowToAResolvedAddressCarriesTheName() {
        hosts.spawn(hosts.a(), dir.resolve("listener.log"), ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), NetnsTool.class.getName(), "listen", extraA, "8080");
        Await.until(WAIT, "listener", () -> {
            try {
                return Files.readString(dir.resolve("listener.log")).contains("listening");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        String out = java(hosts.b(), "connect", hosts.ipA(), "api.ok.test", "8080");
        assertEquals("connected=" + extraA, out);

        Flow toApi = flow(hosts.ipB(), 43210, extraA, 8080);
        Await.until(WAIT, "the reverse cache names " + extraA,
                () -> monitor.annotate(toApi).dnsNames().contains("api.ok.test"));
        assertEquals(List.of("api.ok.test"), monitor.annotate(toApi).dnsNames());
        Flow unresolved = flow(hosts.ipB(), 43211, hosts.ipB(), 9);
        assertEquals(List.of(), monitor.annotate(unresolved).dnsNames());
    }

    @Test
    void statusNamesTheWatchedNamespacesAndCounts() {
        digExpect(hosts.ipA(), "status.nx.test", "A", "NXDOMAIN");
        awaitKey("status.nx.test", "A", 1, 1, 0);
        ComponentStatus s = monitor.status().get(0);
        assertEquals(Health.OK, s.health(), s.toString());
        assertEquals(3L, s.counters().get("namespaces_watched"));
        assertTrue(s.counters().get("packets") >= 2, s.toString());
        assertTrue(s.counters().get("parsed") >= 2, s.toString());
        assertEquals(0L, s.counters().get("malformed"), s.toString());
        assertEquals(0L, s.counters().get("loop_errors"), s.toString());
        assertEquals(0L, s.counters().get("timestamp_fallbacks"), "every packet has a kernel timestamp: " + s);
        assertTrue(s.attributes().get("namespaces").contains(hosts.a())
                && s.attributes().get("namespaces").contains("self"), s.toString());
    }

    private static Flow flow(String local, int localPort, String remote, int remotePort) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse(local), localPort, IpAddress.parse(remote),
                remotePort, 0);
        return new Flow(key, 0, 0, "", 0, Direction.OUTGOING, false, true, false, false, ConnectionStats.ZERO,
                ConnectionStats.ZERO, null, null, TagSet.EMPTY, TagSet.EMPTY);
    }
}
