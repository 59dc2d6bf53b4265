package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;
import org.cartograph.testkit.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classic-tracepoint fallback variant (forced by configuration) against the real kernel. */
class ClassicTracepointKernelTest extends KernelTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCapture(new TestConfig("tracepoint", 100, true));
    }

    private static Conn closedOnce(long netns, int localPort, int remotePort) {
        Await.until(Duration.ofSeconds(30), "closed connection on port " + localPort, () -> {
            Recorder.snapshot(backend);
            return !recorder.closed(c -> c.netns() == netns && c.localPort() == localPort && c.remotePort() == remotePort).isEmpty();
        });
        Recorder.snapshot(backend);
        List<Conn> found = recorder.closed(c -> c.netns() == netns && c.localPort() == localPort && c.remotePort() == remotePort);
        assertEquals(1, found.size(), () -> "closed exactly once: " + found);
        return found.get(0);
    }

    @Test
    void tcpAndUdpThroughClassicTracepointsEvenWhenSsMakesCookies() {
        assertTrue(backend.status().variant().startsWith("tracepoint+cgroup_sock"), backend.status().variant());
        peer.spawn(hosts.b(), "server", "tcp", "4", "5401").await("LISTENING");
        Path gate = peer.gate("classic");
        Peer.Run client = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5401", "3008", "4000", gate.toString());
        int lport = Integer.parseInt(client.await("READY")[0]);
        // ss (sock_diag) gives every socket a kernel cookie: entries must keep their key
        Ss ss = Ss.of(hosts, hosts.a(), lport);
        hosts.exec(hosts.b(), "ss", "-tine").ok();
        List<Conn> open = Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport);
        assertEquals(1, open.size(), () -> "one entry: " + open);
        assertEquals(3008, open.get(0).bytesSent());
        assertEquals(ss.bytesReceived(), open.get(0).bytesReceived());
        assertEquals(Direction.OUTGOING, open.get(0).direction());
        Conn server = Recorder.snapshot(backend, c -> c.netns() == netnsB && c.remotePort() == lport).get(0);
        assertEquals(Direction.INCOMING, server.direction());
        assertEquals(3008, server.bytesReceived());
        Peer.open(gate);
        Conn closed = closedOnce(netnsA, lport, 5401);
        assertEquals(3008, closed.bytesSent());
        assertEquals(4000, closed.bytesReceived());
        Conn serverClosed = closedOnce(netnsB, 5401, lport);
        assertEquals(4000, serverClosed.bytesSent());

        peer.spawn(hosts.b(), "server", "udp", "4", "5402").await("LISTENING");
        Path udpGate = peer.gate("classic-udp");
        Peer.Run udp = peer.spawn(hosts.a(), "client", "udp", hosts.ipB(), "5402", "40", "0", udpGate.toString());
        int uport = Integer.parseInt(udp.await("READY")[0]);
        List<Conn> perPeer = Recorder.snapshot(backend, c -> c.netns() == netnsB && c.localPort() == 5402);
        assertEquals(List.of(uport), perPeer.stream().map(Conn::remotePort).toList(), "the unconnected server's peer: " + perPeer);
        assertEquals(200, perPeer.get(0).bytesReceived());
        assertEquals(100, perPeer.get(0).bytesSent());
        Peer.open(udpGate);
        Conn udpClosed = closedOnce(netnsA, uport, 5402);
        assertEquals(Protocol.UDP, udpClosed.protocol());
        assertEquals(200, udpClosed.bytesSent());
        assertEquals(100, udpClosed.bytesReceived());
        assertEquals(java.util.Map.of(), backend.status().dropsByCause());
    }
}
