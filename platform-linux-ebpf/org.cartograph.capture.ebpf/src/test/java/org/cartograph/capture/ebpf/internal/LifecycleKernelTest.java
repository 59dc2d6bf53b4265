package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.testkit.Await;
import org.cartograph.testkit.Cmd;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.Test;

/**
 * Loading, pre-existing connections and unloading against the real kernel: nothing of ours stays
 * behind (bpftool), and a restart does not report old connections twice.
 */
class LifecycleKernelTest {

    /** Ids of the loaded programs named carto_* (names are cut to 15 characters by the kernel). */
    private static java.util.Map<Long, String> ourPrograms() {
        String json = Cmd.ok("bpftool", "prog", "list", "-j").stdout();
        Matcher m = Pattern.compile("\\{\"id\":(\\d+),\"type\":\"[a-z_]+\",\"name\":\"(carto_[a-z0-9_]*)\"").matcher(json);
        java.util.Map<Long, String> ids = new java.util.TreeMap<>();
        while (m.find()) {
            ids.put(Long.parseLong(m.group(1)), m.group(2));
        }
        return ids;
    }

    /** @return program names of the links that run one of our programs */
    private static List<String> ourLinks() {
        java.util.Map<Long, String> progs = ourPrograms();
        String json = Cmd.ok("bpftool", "link", "list", "-j").stdout();
        Matcher m = Pattern.compile("\"prog_id\":(\\d+)").matcher(json);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            String name = progs.get(Long.parseLong(m.group(1)));
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> ours(String kind) {
        return kind.equals("prog") ? List.copyOf(ourPrograms().values()) : ourLinks();
    }

    /** Links go at once; the kernel frees their programs after an RCU grace period, so this polls. */
    private static void assertNothingLeft() {
        Await.until(Duration.ofSeconds(20), "no carto_* program or link left", () -> ours("prog").isEmpty() && ours("link").isEmpty());
        assertEquals(List.of(), ours("prog"), "no program left");
        assertEquals(List.of(), ours("link"), "no link left");
    }

    @Test
    void preexistingConnectionsAreFoundAndCloseLeavesNothingBehind() throws Exception {
        try (TestHosts hosts = TestHosts.create()) {
            Peer peer = new Peer(hosts);
            long netnsA = TestHosts.inode(hosts.a());
            peer.spawn(hosts.b(), "server", "tcp", "4", "5101").await("LISTENING");
            Path gate = peer.gate("pre");
            Peer.Run client = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5101", "7008", "9000", gate.toString());
            int lport = Integer.parseInt(client.await("READY")[0]);

            Recorder recorder = new Recorder();
            EbpfBackend backend = new EbpfBackend(TestConfig.defaults());
            backend.open(recorder);
            try {
                assertTrue(ours("prog").contains("carto_send_btf"), "loaded: " + ours("prog"));
                assertEquals(8, ours("link").size(), "tp_btf x3 + cgroup sock_release + 4 sock_addr UDP hook links: "
                        + ours("link"));
                backend.start();
                Conn pre = Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport).get(0);
                Ss ss = Ss.of(hosts, hosts.a(), lport);
                assertTrue(pre.preexisting());
                assertEquals(ss.bytesAcked(), pre.bytesSent(), "pre-existing: the kernel's bytes_acked (SYN included)");
                assertEquals(ss.bytesReceived(), pre.bytesReceived());
                assertEquals(9000, pre.bytesReceived());
                assertEquals(1, pre.tcpEstablished());

                Peer.open(gate);
                client.await("CLOSED");
                Await.until(Duration.ofSeconds(30), "pre-existing connection closed", () -> {
                    Recorder.snapshot(backend);
                    return !recorder.closed(c -> c.netns() == netnsA && c.localPort() == lport).isEmpty();
                });
                Conn closed = recorder.closed(c -> c.netns() == netnsA && c.localPort() == lport).get(0);
                assertTrue(closed.preexisting());
                assertEquals(pre.cookie(), closed.cookie());
            } finally {
                backend.close();
            }
            assertNothingLeft();
            assertFalse(backend.status().running());

            backend.open(recorder);
            backend.start();
            assertTrue(Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport).isEmpty(),
                    "reopened: the closed connection is not reported again");
            backend.close();
            assertNothingLeft();
        }
    }
}
