package org.cartograph.linux.netlink.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cartograph.linux.netlink.Conntrack;
import org.cartograph.linux.netlink.ConntrackEntry;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkSocket;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native opener against the real kernel: sockets created in a test namespace live there,
 * conntrack events and dumps of that namespace arrive and parse, failures are typed.
 */
class NativeNetlinkOpenerKernelTest {

    static TestHosts hosts;
    static NativeNetlinkOpener opener;
    static Path nsA;

    @BeforeAll
    static void start() throws NetlinkException {
        hosts = TestHosts.create();
        nsA = Path.of("/var/run/netns", hosts.a());
        opener = new NativeNetlinkOpener();
    }

    @AfterAll
    static void stop() {
        if (opener != null) {
            opener.close();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    /** What one entry said, copied out of the reused holder. */
    private record Seen(ConntrackEntry.Kind kind, int protocol, int origSrcPort, int origDstPort, int replySrcPort,
                        int tcpState, boolean seenReply) {
        static Seen of(ConntrackEntry e) {
            return new Seen(e.kind(), e.protocol(), e.origSrcPort(), e.origDstPort(), e.replySrcPort(), e.tcpState(),
                    (e.status() & ConntrackEntry.SEEN_REPLY) != 0);
        }
    }

    private void insert(int sport) {
        hosts.exec(hosts.a(), "conntrack", "-I", "-p", "tcp", "-s", hosts.ipA(), "-d", hosts.ipB(), "--sport",
                Integer.toString(sport), "--dport", "7000", "--state", "ESTABLISHED", "-u", "SEEN_REPLY", "-t", "100")
                .ok();
    }

    @Test
    void namespacesAndOwnNamespaceAreFound() throws NetlinkException {
        assertEquals(nsA, opener.namespaces().get(TestHosts.inode(hosts.a())));
        assertEquals(NativeNetlinkOpener.inode(Path.of("/proc/self/ns/net")), opener.ownNetns());
        try (NetlinkSocket own = opener.open(NetlinkOpener.SOCK_DIAG, 0, null, 1 << 16, 200)) {
            assertEquals(opener.ownNetns(), own.netns());
        }
    }

    @Test
    void eventsAndDumpOfAnotherNamespaceArriveAndParse() throws NetlinkException {
        Conntrack ct = new Conntrack();
        List<Seen> events = new ArrayList<>();
        try (NetlinkSocket s = opener.open(NetlinkOpener.NETFILTER, Conntrack.GROUP_NEW | Conntrack.GROUP_DESTROY,
                nsA, 1 << 20, 200)) {
            assertEquals(TestHosts.inode(hosts.a()), s.netns(), "the socket lives in namespace a");
            insert(41000);
            NetlinkSocket[] sockets = {s};
            boolean[] ready = new boolean[1];
            Await.until(Duration.ofSeconds(10), "NEW event", () -> {
                try {
                    if (opener.poll(sockets, 1, 200, ready) > 0 && ready[0]) {
                        ct.read(s.receive(), e -> events.add(Seen.of(e)));
                    }
                } catch (NetlinkException e) {
                    throw new IllegalStateException(e);
                }
                return events.stream().anyMatch(e -> e.origSrcPort() == 41000);
            });
            Seen created = events.stream().filter(e -> e.origSrcPort() == 41000).findFirst().orElseThrow();
            assertEquals(new Seen(ConntrackEntry.Kind.NEW, 6, 41000, 7000, 7000, 3, true), created);

            List<Seen> dumped = new ArrayList<>();
            try (NetlinkSocket d = opener.open(NetlinkOpener.NETFILTER, 0, nsA, 1 << 20, 2000)) {
                ct.requestDump(d);
                boolean done = false;
                while (!done) {
                    ByteBuffer b = d.receive();
                    assertTrue(b.hasRemaining(), "dump timed out");
                    done = ct.read(b, e -> dumped.add(Seen.of(e)));
                }
            }
            assertTrue(dumped.stream().anyMatch(e -> e.origSrcPort() == 41000 && e.kind() == ConntrackEntry.Kind.UPDATE),
                    dumped.toString());

            hosts.exec(hosts.a(), "conntrack", "-D", "-p", "tcp", "--sport", "41000").ok();
            Await.until(Duration.ofSeconds(10), "DESTROY event", () -> {
                try {
                    if (opener.poll(sockets, 1, 200, ready) > 0 && ready[0]) {
                        ct.read(s.receive(), e -> events.add(Seen.of(e)));
                    }
                } catch (NetlinkException e) {
                    throw new IllegalStateException(e);
                }
                return events.stream().anyMatch(e -> e.kind() == ConntrackEntry.Kind.DESTROY);
            });
        }
    }

    @Test
    void aMissingNamespaceIsATypedFailure() {
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> opener.open(NetlinkOpener.NETFILTER, 0, Path.of("/var/run/netns/cartograph-none"), 1 << 16, 200));
        assertEquals("stat", e.call());
    }
}
