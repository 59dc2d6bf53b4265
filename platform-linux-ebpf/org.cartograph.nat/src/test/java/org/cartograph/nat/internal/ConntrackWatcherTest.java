package org.cartograph.nat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.Conntrack;
import org.cartograph.linux.netlink.CtMessages;
import org.cartograph.testkit.Await;
import org.junit.jupiter.api.Test;

/** The conntrack watcher and NAT table against a fake netlink boundary. */
class ConntrackWatcherTest {

    private static final int CLIENT = 0x0A000001;
    private static final int VIP = 0x0A000063;
    private static final int BACKEND = 0x0A000002;
    private static final int OTHER = 0x0A000003;

    private static ConnectionKey key(int local, int lport, int remote, int rport) {
        return new ConnectionKey(Protocol.TCP, IpAddress.ofV4(local), lport, IpAddress.ofV4(remote), rport, 7);
    }

    private static CtMessages dnat(CtMessages m, int sport, int backend) {
        return m.entry(0x100, 0x400, new int[] {CLIENT, VIP, sport, 80}, new int[] {backend, CLIENT, 8080, sport},
                0x20 | 0x8);
    }

    @Test
    void overrunResynchronisesWithADumpAndForgetsWhatIsGone() {
        FakeNetlink fake = new FakeNetlink();
        fake.dumps.add(dnat(dnat(new CtMessages(), 40000, BACKEND), 40001, OTHER).done().buffer());
        fake.dumps.add(dnat(new CtMessages(), 40000, BACKEND).done().buffer());
        NatTable table = new NatTable(100);
        ConntrackWatcher w = new ConntrackWatcher(fake, table, () -> Map.of(7L, Path.of("/proc/self/ns/net")),
                1 << 20, 30_000, 60_000);
        Thread t = new Thread(w, "watcher-test");
        t.start();
        try {
            Await.until(Duration.ofSeconds(10), "first dump read", () -> table.size() == 2);
            fake.overrun();
            Await.until(Duration.ofSeconds(10), "resync", () -> w.resyncs() == 1 && table.size() == 1);
            assertEquals(2, fake.dumpsRequested.get());
            assertNotNull(table.translate(key(CLIENT, 40000, VIP, 80)));
            assertNull(table.translate(key(CLIENT, 40001, VIP, 80)), "gone from conntrack while messages were lost");
            // events after the resync still apply
            fake.event(dnat(new CtMessages(), 40002, BACKEND).buffer());
            Await.until(Duration.ofSeconds(10), "event applied", () -> table.size() == 2);
            // a second overrun right away is not a second dump at once: it waits for the gap
            fake.dumps.add(dnat(new CtMessages(), 40000, BACKEND).done().buffer());
            fake.overrun();
            Await.until(Duration.ofSeconds(10), "overrun consumed", () -> fake.eventsPending() == 0);
            long queuedAt = System.nanoTime();
            Await.until(Duration.ofSeconds(10), "deferred resync", () -> w.resyncs() == 2);
            assertTrue(System.nanoTime() - queuedAt >= (ConntrackWatcher.RESYNC_GAP_MILLIS - 1000) * 1_000_000L,
                    "resync deferred, not immediate");
            assertEquals(1, table.size());
        } finally {
            w.stop();
        }
        assertEquals(0, w.errors());
    }

    @Test
    void translationSeenFromBothEnds() throws Exception {
        NatTable table = new NatTable(10);
        Conntrack ct = new Conntrack();
        ct.read(dnat(new CtMessages(), 40000, BACKEND).buffer(), x -> table.put(7, x, 1));
        assertEquals(key(CLIENT, 40000, BACKEND, 8080), table.translate(key(CLIENT, 40000, VIP, 80)));
        assertEquals(key(VIP, 80, CLIENT, 40000), table.translate(key(BACKEND, 8080, CLIENT, 40000)));
    }

    @Test
    void aTranslationInAnotherNamespaceAppliesUnlessTwoNamespacesHoldTheTuple() throws Exception {
        NatTable table = new NatTable(10);
        Conntrack ct = new Conntrack();
        ct.read(dnat(new CtMessages(), 40000, BACKEND).buffer(), x -> table.put(7, x, 1));
        ConnectionKey fromOther = new ConnectionKey(Protocol.TCP, IpAddress.ofV4(CLIENT), 40000, IpAddress.ofV4(VIP),
                80, 8);
        ConnectionKey translated = table.translate(fromOther);
        assertEquals(IpAddress.ofV4(BACKEND), translated.remoteAddress());
        assertEquals(7, translated.netns(), "the namespace that translated (a router, the host)");
        assertEquals(key(VIP, 80, CLIENT, 40000), table.translate(new ConnectionKey(Protocol.TCP,
                IpAddress.ofV4(BACKEND), 8080, IpAddress.ofV4(CLIENT), 40000, 9)), "the translated end, elsewhere");
        ct.read(dnat(new CtMessages(), 40000, BACKEND).buffer(), x -> table.put(9, x, 1));
        assertNull(table.translate(fromOther), "held by namespaces 7 and 9: not guessed");
        assertEquals(9, table.translate(new ConnectionKey(Protocol.TCP, IpAddress.ofV4(CLIENT), 40000,
                IpAddress.ofV4(VIP), 80, 9)).netns(), "a namespace's own entry comes first");
        table.forget(9);
        table.forget(7);
        assertNull(table.translate(fromOther));
        assertEquals(0, table.size());
    }

    @Test
    void untranslatedEntriesAreNotKept() throws Exception {
        NatTable table = new NatTable(10);
        Conntrack ct = new Conntrack();
        ct.read(new CtMessages().entry(0x100, 0x400, new int[] {CLIENT, BACKEND, 40000, 8080},
                new int[] {BACKEND, CLIENT, 8080, 40000}, 0x8).buffer(), x -> table.put(7, x, 1));
        assertEquals(0, table.size());
    }

    @Test
    void boundedTableEvictsAndCounts() throws Exception {
        NatTable table = new NatTable(3);
        Conntrack ct = new Conntrack();
        for (int port = 40000; port < 40010; port++) {
            ct.read(dnat(new CtMessages(), port, BACKEND).buffer(), x -> table.put(7, x, 1));
        }
        assertEquals(3, table.size());
        assertEquals(7, table.evictions());
    }

    @Test
    void destroyedEntriesStayForAGraceThenGo() throws Exception {
        NatTable table = new NatTable(10);
        Conntrack ct = new Conntrack();
        ct.read(dnat(new CtMessages(), 40000, BACKEND).buffer(), x -> table.put(7, x, 1));
        ByteBuffer destroy = new CtMessages().entry(0x102, 0, new int[] {CLIENT, VIP, 40000, 80},
                new int[] {BACKEND, CLIENT, 8080, 40000}, 0x20).buffer();
        ct.read(destroy, x -> table.destroyed(7, x, 1000));
        table.expire(500);
        assertEquals(1, table.size());
        table.expire(2000);
        assertEquals(0, table.size());
    }
}
