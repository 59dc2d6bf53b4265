package org.cartograph.capture.netlink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.capture.CaptureStatus;
import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.internal.ffm.NativeNetlinkOpener;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.RecordingCapture;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netlink fallback against the real kernel: two namespaces joined by a veth pair, a Python
 * server in b and clients in a; ground truth from what the clients sent, {@code ss -tin} and
 * {@code conntrack}. Started once for the class.
 */
class NetlinkBackendKernelTest {

    private static final String SERVER = """
            import socket, sys, threading
            def tcp(conn):
                need = int(conn.recv(16).decode().strip())
                got = 0
                while got < need:
                    d = conn.recv(65536)
                    if not d: return
                    got += len(d)
                reply = int(sys.argv[1])
                conn.sendall(b'r' * reply)
                while conn.recv(65536): pass
                conn.close()
            s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('::', int(sys.argv[2]))); s.listen(64)
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('0.0.0.0', 7002))
            def udp():
                while True:
                    d, peer = u.recvfrom(65536)
                    u.sendto(b'u' * 50, peer)
            threading.Thread(target=udp, daemon=True).start()
            print('ready', flush=True)
            while True:
                c, _ = s.accept()
                threading.Thread(target=tcp, args=(c,), daemon=True).start()
            """;
    /** args: host port bytes pidfile hold(0/1) */
    private static final String CLIENT = """
            import socket, sys, os
            host, port, n, pidfile, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5] == '1'
            c = socket.create_connection((host, port))
            c.sendall(('%-16d' % n).encode()); c.sendall(b'x' * n)
            got = 0
            while got < 678:
                got += len(c.recv(65536))
            print(c.getsockname()[1], flush=True)
            open(pidfile, 'w').write(str(os.getpid()))
            if hold:
                sys.stdin.read() if False else __import__('time').sleep(3600)
            c.close()
            """;
    /** Reads what a client sends, then closes with SO_LINGER 0: a reset after the handshake. */
    private static final String RESET_SERVER = """
            import socket, struct, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', int(sys.argv[1]))); s.listen(8)
            print('ready', flush=True)
            while True:
                c, _ = s.accept()
                c.recv(16)
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                c.close()
            """;
    /** args: host port; prints its local port, then how the connection ended. */
    private static final String FAILING_CLIENT = """
            import socket, sys
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.bind(('0.0.0.0', 0))
            print(c.getsockname()[1], flush=True)
            try:
                c.connect((sys.argv[1], int(sys.argv[2])))
                c.sendall(b'x' * 16)
                print('eof' if c.recv(100) == b'' else 'data', flush=True)
            except OSError as e:
                print('errno', e.errno, flush=True)
            """;
    private static final String UDP_CLIENT = """
            import socket, sys
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(5)
            u.sendto(b'q' * 100, (sys.argv[1], 7002)); u.recvfrom(65536)
            print('done', flush=True)
            """;

    @TempDir
    static Path dir;
    static TestHosts hosts;
    static RecordingCapture<Seen> context;
    static NativeNetlinkOpener opener;
    static NetlinkBackend backend;
    static long nsA;
    static long nsB;

    @BeforeAll
    static void start() throws Exception {
        hosts = TestHosts.create();
        for (String ns : List.of(hosts.a(), hosts.b())) {
            hosts.exec(ns, "sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1").ok();
            // conntrack runs in a namespace only once something uses it
            hosts.exec(ns, "iptables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "ACCEPT").ok();
            hosts.exec(ns, "ip6tables", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "ACCEPT").ok();
        }
        nsA = TestHosts.inode(hosts.a());
        nsB = TestHosts.inode(hosts.b());
        Path server = TestHosts.script(dir, "server.py", SERVER);
        Path log = dir.resolve("server.log");
        hosts.spawn(hosts.b(), log, "python3", server.toString(), "678", "7000");
        Await.until(Duration.ofSeconds(20), "server ready", () -> read(log).contains("ready"));
        // a second listener whose inbound packets are dropped at random: retransmits. One segment per
        // packet (veth passes 64 KiB GSO packets whole otherwise, and a few of them may all get through)
        String veth = hosts.exec(hosts.a(), "ip", "-o", "link", "show", "type", "veth").ok().stdout()
                .replaceFirst("^\\d+: ([^@:]+).*(?s).*", "$1");
        hosts.exec(hosts.a(), "ip", "link", "set", "dev", veth, "gso_max_segs", "1").ok();
        hosts.exec(hosts.b(), "iptables", "-I", "INPUT", "1", "-p", "tcp", "--dport", "7003", "-m", "statistic", "--mode",
                "random", "--probability", "0.05", "-j", "DROP").ok();
        Path lossy = dir.resolve("lossy.log");
        hosts.spawn(hosts.b(), lossy, "python3", TestHosts.script(dir, "server2.py", SERVER.replace(
                "u.bind(('0.0.0.0', 7002))", "u.bind(('0.0.0.0', 7004))")).toString(), "678", "7003");
        Await.until(Duration.ofSeconds(20), "lossy server ready", () -> read(lossy).contains("ready"));
        Path resetLog = dir.resolve("reset.log");
        hosts.spawn(hosts.b(), resetLog, "python3", TestHosts.script(dir, "reset.py", RESET_SERVER).toString(), "7005");
        Await.until(Duration.ofSeconds(20), "reset server ready", () -> read(resetLog).contains("ready"));
        // an unanswered SYN: dropped in b; the client gives up after one retry (~3 s instead of ~127 s).
        // a's conntrack entries of failed connections time out in 5 s (SYN_SENT: longer than the gap to
        // the retried SYN, which would otherwise find the entry expired and open a second one) and 1 s
        // (CLOSE) instead of 120 s and 10 s; all three sysctls are per namespace
        hosts.exec(hosts.b(), "iptables", "-I", "INPUT", "1", "-p", "tcp", "--dport", "7006", "--syn", "-j", "DROP").ok();
        hosts.exec(hosts.a(), "sysctl", "-qw", "net.ipv4.tcp_syn_retries=1").ok();
        hosts.exec(hosts.a(), "sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_timeout_syn_sent=5").ok();
        hosts.exec(hosts.a(), "sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_timeout_close=1").ok();
        context = RecordingCapture.collectingAll(Seen::of);
        opener = new NativeNetlinkOpener();
        backend = new NetlinkBackend(new TestConfig("auto", true, true, 200), opener);
        backend.open(context);
        backend.start();
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
        if (opener != null) {
            opener.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static List<Seen> snapshot() throws Exception {
        List<Seen> out = new ArrayList<>();
        backend.snapshot(v -> out.add(Seen.of(v)));
        return out;
    }

    private static int client(String host, int bytes, String name) {
        return client(host, 7000, bytes, name);
    }

    private static int client(String host, int port, int bytes, String name) {
        Path pidfile = dir.resolve(name + ".pid");
        hosts.spawn(hosts.a(), dir.resolve(name + ".log"), "python3", TestHosts.script(dir, "client.py", CLIENT)
                .toString(), host, Integer.toString(port), Integer.toString(bytes), pidfile.toString(), "1");
        Await.until(Duration.ofSeconds(60), "client " + name + " done", () -> !read(pidfile).isEmpty());
        return Integer.parseInt(read(pidfile).strip());
    }

    private static Optional<Seen> find(List<Seen> all, long netns, int remotePort, String remote) {
        IpAddress r = IpAddress.parse(remote);
        return all.stream().filter(s -> s.netns() == netns && s.remotePort() == remotePort && s.remote().equals(r))
                .findFirst();
    }

    private static long ss(String ns, String field, int port) {
        String out = hosts.exec(ns, "ss", "-tinH", "state", "established", "( dport = :" + port + " or sport = :"
                + port + " )").ok().stdout();
        Matcher m = Pattern.compile("\\b" + field + ":(\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void openTcpV4MatchesWhatWasSentAndSs() throws Exception {
        int pid = client(hosts.ipB(), 12_345, "v4");
        List<Seen> all = snapshot();
        Seen out = find(all, nsA, 7000, hosts.ipB()).orElseThrow(() -> new AssertionError("no flow in a: " + all));
        assertEquals(Protocol.TCP, out.protocol());
        assertEquals(12_345 + 16, out.sent(), "application bytes sent");
        assertEquals(678, out.received());
        assertEquals(ss(hosts.a(), "bytes_sent", 7000), out.sent());
        assertEquals(ss(hosts.a(), "bytes_received", 7000), out.received());
        assertEquals(Direction.OUTGOING, out.direction());
        assertEquals(IpAddress.parse(hosts.ipA()), out.local());
        assertTrue(out.rtt() > 0, "rtt");
        assertTrue(out.cookie() != 0, "socket cookie");
        Await.until(Duration.ofSeconds(20), "pid of the client known", () -> {
            try {
                return find(snapshot(), nsA, 7000, hosts.ipB()).map(Seen::pid).orElse(0) == pid;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Seen again = find(snapshot(), nsA, 7000, hosts.ipB()).orElseThrow();
        assertEquals(read(Path.of("/proc/" + pid + "/comm")).strip(), again.process());
        // the server's end, in namespace b, seen as incoming with the same bytes the other way
        Seen in = all.stream().filter(s -> s.netns() == nsB && s.localPort() == 7000 && s.remotePort() == out.localPort())
                .findFirst().orElseThrow(() -> new AssertionError("no server flow in b: " + all));
        assertEquals(Direction.INCOMING, in.direction());
        assertEquals(12_345 + 16, in.received());
        assertEquals(678, in.sent());
        // a dual-stack server socket: the IPv4 peer is normalised to the IPv4(-mapped) form
        assertEquals(IpAddress.parse(hosts.ipA()), in.remote());
    }

    @Test
    void openTcpV6() throws Exception {
        client(hosts.ip6B(), 5_000, "v6");
        List<Seen> all = snapshot();
        Seen out = find(all, nsA, 7000, hosts.ip6B()).orElseThrow(() -> new AssertionError("no v6 flow: " + all));
        assertEquals(5_000 + 16, out.sent());
        assertEquals(678, out.received());
        assertEquals(IpAddress.parse(hosts.ip6A()), out.local());
        assertEquals(Direction.OUTGOING, out.direction());
    }

    @Test
    void shortLivedConnectionBetweenPollsIsCountedFromConntrackWithItsBlindSpots() throws Exception {
        snapshot();
        Path pidfile = dir.resolve("short.pid");
        int port = Integer.parseInt(hosts.exec(hosts.a(), "python3", TestHosts.script(dir, "client.py", CLIENT)
                .toString(), hosts.ipB(), "7000", "3000", pidfile.toString(), "0").ok().stdout().strip());
        // the connection is closed and never seen by a poll; expire its conntrack entry now rather than
        // after nf_conntrack_tcp_timeout_time_wait: the kernel sends the same destroy event
        hosts.exec(hosts.a(), "conntrack", "-D", "-p", "tcp", "--dport", "7000", "--state", "TIME_WAIT");
        Await.until(Duration.ofSeconds(20), "closed connection from conntrack", () -> context.closed.stream()
                .anyMatch(s -> s.netns() == nsA && s.protocol() == Protocol.TCP && s.localPort() == port));
        Seen c = context.closed.stream().filter(s -> s.netns() == nsA && s.protocol() == Protocol.TCP
                && s.localPort() == port).findFirst().orElseThrow();
        assertEquals(7000, c.remotePort());
        assertEquals(1, c.closed());
        assertEquals(Direction.OUTGOING, c.direction());
        assertTrue(c.sent() > 3000 + 16, "wire bytes include headers: " + c.sent());
        assertTrue(c.received() > 678, "wire bytes include headers: " + c.received());
        // documented blind spots of connections known only from conntrack
        assertEquals(0, c.pid());
        assertEquals(0, c.retransmits());
        assertEquals(0, c.rtt());
        assertFalse(snapshot().stream().anyMatch(s -> s.netns() == nsA && s.localPort() == c.localPort()
                && s.remotePort() == 7000), "gone from sock_diag");
    }

    @Test
    void udpExchangeIsCountedInWireBytesWhenConntrackDestroysIt() throws Exception {
        snapshot();
        hosts.exec(hosts.a(), "python3", TestHosts.script(dir, "udp.py", UDP_CLIENT).toString(), hosts.ipB()).ok();
        hosts.exec(hosts.a(), "conntrack", "-D", "-p", "udp", "--dport", "7002");
        Await.until(Duration.ofSeconds(20), "udp flow from conntrack", () -> context.closed.stream()
                .anyMatch(s -> s.netns() == nsA && s.protocol() == Protocol.UDP && s.remotePort() == 7002));
        Seen u = context.closed.stream().filter(s -> s.netns() == nsA && s.protocol() == Protocol.UDP
                && s.remotePort() == 7002).findFirst().orElseThrow();
        assertEquals(100 + 28, u.sent(), "IPv4 + UDP headers + payload");
        assertEquals(50 + 28, u.received());
        assertEquals(IpAddress.parse(hosts.ipB()), u.remote());
        assertEquals(0, u.pid());
    }

    @Test
    void retransmitsUnderInducedLossMatchSs() throws Exception {
        client(hosts.ipB(), 7003, 1_000_000, "lossy");
        List<Seen> all = snapshot();
        Seen out = find(all, nsA, 7003, hosts.ipB()).orElseThrow(() -> new AssertionError("no lossy flow: " + all));
        String ssOut = hosts.exec(hosts.a(), "ss", "-tinH", "state", "established", "( dport = :7003 )").ok().stdout();
        Matcher m = Pattern.compile("retrans:\\d+/(\\d+)").matcher(ssOut);
        assertTrue(m.find(), "ss shows retransmits: " + ssOut);
        assertTrue(out.retransmits() > 0, "retransmits under 5% loss");
        assertEquals(Long.parseLong(m.group(1)), out.retransmits(), "tcpi_total_retrans as ss shows it");
        assertEquals(1_000_000 + 16, out.sent(), "payload bytes, retransmissions not counted twice");
    }

    @Test
    void refusedConnectIsReportedFromConntrackWithItsErrno() throws Exception {
        snapshot();
        hosts.exec(hosts.a(), "python3", "-c", "import socket\ntry:\n socket.create_connection(('" + hosts.ipB()
                + "', 7999), timeout=5)\nexcept ConnectionRefusedError:\n print('refused')").ok();
        assertFalse(snapshot().stream().anyMatch(s -> s.remotePort() == 7999), "sock_diag never sees a failed connect");
        // conntrack kills an entry whose only reply is a RST at once: the destroy event follows
        Await.until(Duration.ofSeconds(20), "refused attempt from conntrack", () -> context.closed.stream()
                .anyMatch(s -> s.netns() == nsA && s.remotePort() == 7999));
        Seen c = context.closed.stream().filter(s -> s.netns() == nsA && s.remotePort() == 7999).findFirst().orElseThrow();
        assertEquals(111, c.failure(), "ECONNREFUSED");
        assertEquals(Direction.OUTGOING, c.direction());
    }

    /** Runs {@link #FAILING_CLIENT} in a; returns its local port and how its connection ended. */
    private static String[] failingClient(int port) {
        String out = hosts.exec(hosts.a(), "python3", TestHosts.script(dir, "failing.py", FAILING_CLIENT).toString(),
                hosts.ipB(), Integer.toString(port)).ok().stdout();
        return out.strip().split("\\n");
    }

    /**
     * Waits for the destroy event of a's entry. Conntrack's garbage collector may reap a timed-out entry
     * long after its timeout on a busy machine (its pace follows every entry of the host), so an entry
     * still there in the expected state is deleted, which sends the same destroy event at once.
     */
    private static Seen closedFromConntrack(int localPort, int remotePort, String state) {
        hosts.exec(hosts.a(), "conntrack", "-D", "-p", "tcp", "--orig-port-src", Integer.toString(localPort), "--state", state);
        Await.until(Duration.ofSeconds(30), "destroy event of " + localPort + " -> " + remotePort, () -> context.closed
                .stream().anyMatch(s -> s.netns() == nsA && s.localPort() == localPort && s.remotePort() == remotePort));
        List<Seen> found = context.closed.stream().filter(s -> s.netns() == nsA && s.localPort() == localPort
                && s.remotePort() == remotePort).toList();
        assertEquals(1, found.size(), () -> "reported once: " + found);
        return found.get(0);
    }

    @Test
    void resetAfterTheHandshakeIsReportedFromConntrackAs104() {
        String[] client = failingClient(7005);
        assertEquals("errno 104", client[1], "the client saw ECONNRESET");
        // conntrack moves the assured entry to CLOSE on the RST and destroys it after the close timeout
        Seen c = closedFromConntrack(Integer.parseInt(client[0]), 7005, "CLOSE");
        assertEquals(104, c.failure(), "ECONNRESET");
        assertEquals(Direction.OUTGOING, c.direction());
        assertEquals(1, c.closed());
        assertEquals(IpAddress.parse(hosts.ipB()), c.remote());
    }

    @Test
    void unansweredSynIsReportedFromConntrackAs110() {
        String[] client = failingClient(7006);
        assertEquals("errno 110", client[1], "the client gave up with ETIMEDOUT");
        Seen c = closedFromConntrack(Integer.parseInt(client[0]), 7006, "SYN_SENT");
        assertEquals(110, c.failure(), "ETIMEDOUT: destroyed in SYN_SENT, never replied");
        assertEquals(Direction.OUTGOING, c.direction());
        assertEquals(0, c.received(), "nothing came back");
    }

    @Test
    void closeOfAConnectionSeenOpenIsReportedOnceWithoutCountingItsBytesAgain() throws Exception {
        int pid = client(hosts.ipB(), 2_000, "closing");
        Seen open = snapshot().stream().filter(s -> s.netns() == nsA && s.pid() == pid || s.netns() == nsA
                && s.remotePort() == 7000 && s.sent() == 2_016).findFirst().orElseThrow();
        String port = Integer.toString(open.localPort());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        Await.until(Duration.ofSeconds(20), "orderly close", () -> hosts.exec(hosts.a(), "conntrack", "-L", "-p",
                "tcp", "--orig-port-src", port).stdout().contains("TIME_WAIT"));
        hosts.exec(hosts.a(), "conntrack", "-D", "-p", "tcp", "--orig-port-src", port);
        Await.until(Duration.ofSeconds(20), "close reported", () -> context.closed.stream()
                .anyMatch(s -> s.netns() == nsA && s.localPort() == open.localPort()));
        Seen c = context.closed.stream().filter(s -> s.netns() == nsA && s.localPort() == open.localPort())
                .findFirst().orElseThrow();
        assertEquals(1, c.closed());
        assertEquals(0, c.sent(), "its bytes were reported while it was open");
        assertEquals(0, c.received());
        assertEquals(0, c.failure(), "orderly close");
        assertEquals(1, context.closed.stream().filter(s -> s.netns() == nsA && s.localPort() == open.localPort())
                .count());
    }

    @Test
    void modesNeverAndAlways() {
        NetlinkBackend never = new NetlinkBackend(new TestConfig("never", true, true, 200), opener);
        assertThrows(org.cartograph.capture.CaptureException.class, () -> never.open(RecordingCapture.collectingAll(Seen::of)));
        never.close();
        assertEquals(1000, new NetlinkBackend(new TestConfig("always", true, true, 200), opener).preference());
    }

    @Test
    void statusNamesTheVariantAndWhatItCannotSee() {
        CaptureStatus s = backend.status();
        assertEquals("netlink", s.backend());
        assertTrue(s.running());
        assertTrue(s.cannotSee().stream().anyMatch(t -> t.contains("wire bytes")), s.cannotSee().toString());
        assertTrue(s.cannotSee().stream().anyMatch(t -> t.contains("failures")), s.cannotSee().toString());
        assertEquals("linux", backend.group());
        assertEquals(10, backend.preference());
    }
}
