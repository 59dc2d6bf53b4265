package org.cartograph.nat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.internal.ffm.NativeNetlinkOpener;
import org.cartograph.status.ComponentStatus;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.Cmd;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAT resolution against the real kernel: iptables DNAT and REDIRECT inside a test namespace, SNAT
 * to a second address of that namespace, ip6tables DNAT, and MASQUERADE in a router namespace
 * (b) between the client (a) and a third namespace (c); the annotated flow's {@code nat} tuple
 * must match {@code conntrack -L} in the namespace that translated. Started once for the class.
 */
class NatResolverKernelTest {

    private static final String SERVER = """
            import socket, sys, threading
            s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(('::', int(sys.argv[1]))); s.listen(16)
            print('ready', flush=True)
            def hold(c):
                while c.recv(4096): pass
            while True:
                c, _ = s.accept()
                threading.Thread(target=hold, args=(c,), daemon=True).start()
            """;
    private static final String CLIENT = """
            import socket, sys, time
            c = socket.create_connection((sys.argv[1], int(sys.argv[2])))
            c.sendall(b'hello')
            open(sys.argv[3], 'w').write(str(c.getsockname()[1]))
            time.sleep(3600)
            """;

    @TempDir
    static Path dir;
    static TestHosts hosts;
    static NativeNetlinkOpener opener;
    static NatResolver resolver;
    static long nsA;
    static long nsB;
    static long nsC;
    static String vip;
    static String vip6;
    static String snatAddress;
    static String routerC;
    static String ipC;
    static String c;

    @BeforeAll
    static void start() throws Exception {
        hosts = TestHosts.create();
        nsA = TestHosts.inode(hosts.a());
        vip = hosts.ipA().substring(0, hosts.ipA().lastIndexOf('.')) + ".99";
        hosts.exec(hosts.a(), "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", vip, "--dport", "80", "-j",
                "DNAT", "--to-destination", hosts.ipB() + ":7000").ok();
        hosts.exec(hosts.a(), "iptables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", hosts.ipB(), "--dport",
                "9090", "-j", "REDIRECT", "--to-ports", "7070").ok();
        vip6 = hosts.ip6A().replace("::1", "::99");
        hosts.exec(hosts.a(), "ip6tables", "-t", "nat", "-A", "OUTPUT", "-p", "tcp", "-d", vip6, "--dport", "80", "-j",
                "DNAT", "--to-destination", "[" + hosts.ip6B() + "]:7000").ok();
        snatAddress = hosts.ipA().substring(0, hosts.ipA().lastIndexOf('.')) + ".50";
        String devA = veth(hosts.a());
        hosts.exec(hosts.a(), "ip", "addr", "add", snatAddress + "/24", "dev", devA).ok();
        hosts.exec(hosts.a(), "iptables", "-t", "nat", "-A", "POSTROUTING", "-p", "tcp", "-d", hosts.ipB(), "--dport",
                "7002", "-j", "SNAT", "--to-source", snatAddress).ok();
        router();
        Path server = TestHosts.script(dir, "server.py", SERVER);
        hosts.spawn(hosts.b(), dir.resolve("b.log"), "python3", server.toString(), "7000");
        hosts.spawn(hosts.b(), dir.resolve("b2.log"), "python3", server.toString(), "7002");
        hosts.spawn(hosts.a(), dir.resolve("a.log"), "python3", server.toString(), "7070");
        hosts.spawn(c, dir.resolve("c.log"), "python3", server.toString(), "7003");
        Await.until(Duration.ofSeconds(20), "servers ready", () -> read(dir.resolve("b.log")).contains("ready")
                && read(dir.resolve("a.log")).contains("ready") && read(dir.resolve("b2.log")).contains("ready")
                && read(dir.resolve("c.log")).contains("ready"));
        opener = new NativeNetlinkOpener();
        resolver = new NatResolver(new TestConfig(true, 1000, true, 1 << 20), opener);
        Await.until(Duration.ofSeconds(20), "conntrack tables read", resolver::synced);
    }

    /** @return the name of the veth interface inside a namespace made by {@link TestHosts} */
    private static String veth(String ns) {
        String link = hosts.exec(ns, "ip", "-o", "link", "show", "type", "veth").ok().stdout();
        return link.substring(link.indexOf(':') + 1, link.indexOf('@')).strip();
    }

    /**
     * Namespace c behind router b: a veth pair b–c on 10.211.N.0/24, forwarding and MASQUERADE out of
     * that link in b, and a route from a to c through b.
     */
    private static void router() {
        String tag = hosts.a().substring(3);
        c = "cgc" + tag;
        String octet = hosts.ipA().split("\\.")[2];
        routerC = "10.211." + octet + ".1";
        ipC = "10.211." + octet + ".2";
        String vr = "vr" + tag;
        String vc = "vc" + tag;
        Cmd.ok("ip", "netns", "add", c);
        nsC = TestHosts.inode(c);
        nsB = TestHosts.inode(hosts.b());
        Cmd.ok("ip", "link", "add", vr, "type", "veth", "peer", "name", vc);
        Cmd.ok("ip", "link", "set", vr, "netns", hosts.b());
        Cmd.ok("ip", "link", "set", vc, "netns", c);
        Cmd.ok("ip", "-n", hosts.b(), "addr", "add", routerC + "/24", "dev", vr);
        Cmd.ok("ip", "-n", c, "addr", "add", ipC + "/24", "dev", vc);
        Cmd.ok("ip", "-n", hosts.b(), "link", "set", vr, "up");
        Cmd.ok("ip", "-n", c, "link", "set", vc, "up");
        Cmd.ok("ip", "-n", c, "link", "set", "lo", "up");
        hosts.exec(hosts.b(), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1").ok();
        hosts.exec(hosts.b(), "iptables", "-t", "nat", "-A", "POSTROUTING", "-o", vr, "-j", "MASQUERADE").ok();
        hosts.exec(hosts.a(), "ip", "route", "add", "10.211." + octet + ".0/24", "via", hosts.ipB()).ok();
    }

    @AfterAll
    static void stop() {
        if (resolver != null) {
            resolver.deactivate();
        }
        if (opener != null) {
            opener.close();
        }
        if (hosts != null) {
            hosts.close();
        }
        if (c != null) {
            Cmd.run(List.of("ip", "netns", "pids", c)).stdout().lines()
                    .forEach(pid -> Cmd.run(List.of("kill", "-9", pid.strip())));
            Cmd.run(List.of("ip", "netns", "del", c));
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static int connect(String host, int port, String name) {
        Path ports = dir.resolve(name + ".port");
        hosts.spawn(hosts.a(), dir.resolve(name + ".log"), "python3", TestHosts.script(dir, "client.py", CLIENT)
                .toString(), host, Integer.toString(port), ports.toString());
        Await.until(Duration.ofSeconds(20), name + " connected", () -> !read(ports).isEmpty());
        return Integer.parseInt(read(ports).strip());
    }

    private static Flow flow(String local, int localPort, String remote, int remotePort) {
        return flow(nsA, local, localPort, remote, remotePort);
    }

    private static Flow flow(long netns, String local, int localPort, String remote, int remotePort) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse(local), localPort, IpAddress.parse(remote),
                remotePort, netns);
        return new Flow(key, 0, 0, "", 0, Direction.OUTGOING, false, true, false, false, ConnectionStats.ZERO,
                ConnectionStats.ZERO, null, null, null, null);
    }

    /** @return the reply tuple of the conntrack entry in namespace a, as (src, sport, dst, dport) */
    private static String[] conntrackReply(String origDport, int origSport) {
        return conntrackReply(hosts.a(), "ipv4", origDport, origSport);
    }

    /** @return the reply tuple of the conntrack entry in a namespace, as (src, sport, dst, dport) */
    private static String[] conntrackReply(String ns, String family, String origDport, int origSport) {
        String out = hosts.exec(ns, "conntrack", "-L", "-f", family, "-p", "tcp", "--orig-port-dst", origDport,
                "--orig-port-src", Integer.toString(origSport)).ok().stdout();
        Matcher m = Pattern.compile("src=(\\S+) dst=(\\S+) sport=(\\d+) dport=(\\d+) .*?src=(\\S+) dst=(\\S+) "
                + "sport=(\\d+) dport=(\\d+)").matcher(out);
        assertTrue(m.find(), "conntrack -L shows the entry: " + out);
        return new String[] {m.group(5), m.group(7), m.group(6), m.group(8)};
    }

    private static Flow awaitNat(Flow f) {
        Await.until(Duration.ofSeconds(20), "nat for " + f.key(), () -> resolver.annotate(f).nat() != null);
        return resolver.annotate(f);
    }

    @Test
    void dnatFlowCarriesTheTranslatedTupleOfConntrack() {
        int port = connect(vip, 80, "dnat");
        Flow annotated = awaitNat(flow(hosts.ipA(), port, vip, 80));
        String[] reply = conntrackReply("80", port);
        ConnectionKey nat = annotated.nat();
        // seen from the client: it talks from the reply's destination to the reply's source
        assertEquals(IpAddress.parse(reply[2]), nat.localAddress());
        assertEquals(Integer.parseInt(reply[3]), nat.localPort());
        assertEquals(IpAddress.parse(reply[0]), nat.remoteAddress());
        assertEquals(Integer.parseInt(reply[1]), nat.remotePort());
        assertEquals(IpAddress.parse(hosts.ipB()), nat.remoteAddress());
        assertEquals(7000, nat.remotePort());
        assertEquals(nsA, nat.netns());
    }

    @Test
    void redirectFlowAndTheProxySideCarryTheirTranslations() {
        int port = connect(hosts.ipB(), 9090, "redirect");
        Flow annotated = awaitNat(flow(hosts.ipA(), port, hosts.ipB(), 9090));
        String[] reply = conntrackReply("9090", port);
        assertEquals(IpAddress.parse(reply[0]), annotated.nat().remoteAddress());
        assertEquals(7070, annotated.nat().remotePort());
        assertEquals(Integer.parseInt(reply[1]), annotated.nat().remotePort());
        assertEquals(IpAddress.parse(reply[2]), annotated.nat().localAddress());
        // the local proxy's accepted socket (reply source → reply destination) learns the original destination
        Flow proxy = resolver.annotate(flow(reply[0], 7070, reply[2], Integer.parseInt(reply[3])));
        assertNotNull(proxy.nat(), "proxy side annotated");
        assertEquals(IpAddress.parse(hosts.ipB()), proxy.nat().localAddress());
        assertEquals(9090, proxy.nat().localPort());
        assertEquals(port, proxy.nat().remotePort());
    }

    /** Asserts that the client's nat tuple is conntrack's reply tuple seen from the client, in namespace netns. */
    private static void assertClientSide(ConnectionKey nat, String[] reply, long netns) {
        assertEquals(IpAddress.parse(reply[2]), nat.localAddress());
        assertEquals(Integer.parseInt(reply[3]), nat.localPort());
        assertEquals(IpAddress.parse(reply[0]), nat.remoteAddress());
        assertEquals(Integer.parseInt(reply[1]), nat.remotePort());
        assertEquals(netns, nat.netns());
    }

    @Test
    void ipv6DnatFlowCarriesTheTranslatedTupleOfConntrack() {
        int port = connect(vip6, 80, "dnat6");
        Flow annotated = awaitNat(flow(hosts.ip6A(), port, vip6, 80));
        String[] reply = conntrackReply(hosts.a(), "ipv6", "80", port);
        assertClientSide(annotated.nat(), reply, nsA);
        assertEquals(IpAddress.parse(hosts.ip6B()), annotated.nat().remoteAddress());
        assertEquals(7000, annotated.nat().remotePort());
    }

    @Test
    void snatToAnotherAddressIsSeenFromBothEnds() {
        int port = connect(hosts.ipB(), 7002, "snat");
        Flow annotated = awaitNat(flow(hosts.ipA(), port, hosts.ipB(), 7002));
        String[] reply = conntrackReply(hosts.a(), "ipv4", "7002", port);
        assertClientSide(annotated.nat(), reply, nsA);
        assertEquals(IpAddress.parse(snatAddress), annotated.nat().localAddress());
        // the server in b sees the SNAT address; conntrack (in a) tells it the real client
        Flow server = awaitNat(flow(nsB, hosts.ipB(), 7002, reply[2], Integer.parseInt(reply[3])));
        assertEquals(IpAddress.parse(hosts.ipA()), server.nat().remoteAddress());
        assertEquals(port, server.nat().remotePort());
    }

    @Test
    void masqueradeInARouterNamespaceTranslatesBothEnds() {
        int port = connect(ipC, 7003, "masq");
        Flow annotated = awaitNat(flow(hosts.ipA(), port, ipC, 7003));
        String[] reply = conntrackReply(hosts.b(), "ipv4", "7003", port);
        assertClientSide(annotated.nat(), reply, nsB);
        assertEquals(IpAddress.parse(routerC), annotated.nat().localAddress());
        Flow server = awaitNat(flow(nsC, ipC, 7003, reply[2], Integer.parseInt(reply[3])));
        assertEquals(IpAddress.parse(hosts.ipA()), server.nat().remoteAddress());
        assertEquals(port, server.nat().remotePort());
        assertEquals(IpAddress.parse(ipC), server.nat().localAddress());
    }

    @Test
    void untranslatedFlowIsLeftAlone() {
        int port = connect(hosts.ipB(), 7000, "plain");
        Flow f = flow(hosts.ipA(), port, hosts.ipB(), 7000);
        Await.until(Duration.ofSeconds(20), "conntrack entry exists", () -> hosts.exec(hosts.a(), "conntrack", "-L",
                "-p", "tcp", "--orig-port-src", Integer.toString(port)).stdout().contains("dport=7000"));
        assertNull(resolver.annotate(f).nat());
        assertTrue(resolver.annotate(f) == f, "same flow returned");
    }

    @Test
    void statusCountsEntries() {
        connect(vip, 80, "status");
        Await.until(Duration.ofSeconds(20), "entries counted",
                () -> resolver.status().getFirst().counters().get("entries") >= 1);
        ComponentStatus s = resolver.status().getFirst();
        assertEquals("nat.conntrack", s.component());
        assertTrue(s.counters().containsKey("resyncs"));
        assertTrue(s.counters().containsKey("evictions"));
        assertTrue(s.counters().containsKey("errors"));
    }
}
