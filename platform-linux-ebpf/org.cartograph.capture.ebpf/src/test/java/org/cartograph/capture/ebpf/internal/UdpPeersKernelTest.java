package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.testkit.Await;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Unconnected UDP sockets against the real kernel: the cgroup sock_addr hooks name each call's peer
 * and the length tracepoints count its bytes, one flow per (socket, peer). Servers in namespace b,
 * clients in namespace a.
 */
class UdpPeersKernelTest extends KernelTestBase {

    @BeforeAll
    static void start() throws Exception {
        startCapture(TestConfig.defaults());
    }

    private static Map<Integer, Conn> closedByRemotePort(long netns, int localPort, int count) {
        Await.until(WAIT, count + " closed flows on port " + localPort, () -> {
            Recorder.snapshot(backend);
            return recorder.closed(c -> c.netns() == netns && c.localPort() == localPort).size() >= count;
        });
        return recorder.closed(c -> c.netns() == netns && c.localPort() == localPort).stream()
                .collect(Collectors.toMap(Conn::remotePort, Function.identity()));
    }

    @Test
    void unconnectedUdpServerIsReportedOncePerPeer() throws Exception {
        Peer.Run server = server("udp", "4", 5008);
        Path gate = peer.gate("udp-peers");
        Peer.Run small = peer.spawn(hosts.a(), "client", "udp", hosts.ipB(), "5008", "100", "0", gate.toString());
        Peer.Run large = peer.spawn(hosts.a(), "client", "udp", hosts.ipB(), "5008", "300", "0", gate.toString());
        int p1 = Integer.parseInt(small.await("READY")[0]);
        int p2 = Integer.parseInt(large.await("READY")[0]);
        Map<Integer, Conn> flows = open(netnsB, 5008).stream().collect(Collectors.toMap(Conn::remotePort, Function.identity()));
        assertEquals(Set.of(p1, p2), flows.keySet(), () -> "one flow per peer: " + flows);
        Conn f1 = flows.get(p1);
        Conn f2 = flows.get(p2);
        assertEquals(f1.cookie(), f2.cookie(), "both on the server's socket");
        for (Conn f : List.of(f1, f2)) {
            assertEquals(Protocol.UDP, f.protocol());
            assertEquals(IpAddress.parse(hosts.ipA()), f.remote());
            assertEquals(IpAddress.parse("0.0.0.0"), f.local(), "the socket's bound address: the hooks do not see the packet");
            assertEquals(5, f.packetsReceived());
            assertEquals(5, f.packetsSent());
            assertEquals(server.process().pid(), f.pid());
        }
        assertEquals(500, f1.bytesReceived());
        assertEquals(250, f1.bytesSent());
        assertEquals(1500, f2.bytesReceived());
        assertEquals(750, f2.bytesSent());
        Peer.Run dnsLike = peer.spawn(hosts.a(), "sendto", hosts.ipB(), "5008", "60", gate.toString());
        int p3 = Integer.parseInt(dnsLike.await("READY")[0]);
        Conn client = openOne(netnsA, p3);
        assertEquals(IpAddress.parse(hosts.ipB()), client.remote(), "an unconnected client's peer");
        assertEquals(5008, client.remotePort());
        assertEquals(180, client.bytesSent(), "the first datagram, sent before the socket's entry existed, included");
        assertEquals(90, client.bytesReceived());
        assertEquals(dnsLike.process().pid(), client.pid());
        Peer.open(gate);
        small.await("CLOSED");
        large.await("CLOSED");
        dnsLike.await("CLOSED");
        Conn clientClosed = closedOne(netnsA, p3, 5008);
        assertEquals(180, clientClosed.bytesSent());
        assertEquals(client.cookie(), clientClosed.cookie());
        server.process().destroy();
        assertTrue(server.process().waitFor(10, TimeUnit.SECONDS));
        Await.until(WAIT, "both peers of the server closed", () -> {
            Recorder.snapshot(backend);
            return recorder.closed(c -> c.netns() == netnsB && c.localPort() == 5008).size() >= 3;
        });
        Map<Integer, Conn> closed = recorder.closed(c -> c.netns() == netnsB && c.localPort() == 5008).stream()
                .collect(Collectors.toMap(Conn::remotePort, Function.identity()));
        assertEquals(Set.of(p1, p2, p3), closed.keySet(), () -> "closed once per peer: " + closed);
        assertEquals(1500, closed.get(p2).bytesReceived());
        assertEquals(250, closed.get(p1).bytesSent());
        assertEquals(f1.cookie(), closed.get(p1).cookie());
        assertTrue(open(netnsB, 5008).isEmpty(), "nothing of the server's socket stays in the maps");
    }

    @Test
    void dualStackServerAnswersV4AndV6PeersFromOneSocket() throws Exception {
        Peer.Run server = server("udp", "6", 5009);
        Path gate = peer.gate("dual");
        Peer.Run v6 = peer.spawn(hosts.a(), "client", "udp", hosts.ip6B(), "5009", "100", "0", gate.toString());
        Peer.Run v4 = peer.spawn(hosts.a(), "client", "udp", hosts.ipB(), "5009", "200", "0", gate.toString());
        Peer.Run v4sendto = peer.spawn(hosts.a(), "sendto", hosts.ipB(), "5009", "60", gate.toString());
        int p6 = Integer.parseInt(v6.await("READY")[0]);
        int p4 = Integer.parseInt(v4.await("READY")[0]);
        int p4s = Integer.parseInt(v4sendto.await("READY")[0]);
        Map<Integer, Conn> flows = open(netnsB, 5009).stream().collect(Collectors.toMap(Conn::remotePort, Function.identity()));
        assertEquals(Set.of(p6, p4, p4s), flows.keySet(), () -> "one flow per peer: " + flows);
        Conn f6 = flows.get(p6);
        Conn f4 = flows.get(p4);
        assertEquals(IpAddress.parse(hosts.ip6A()), f6.remote());
        assertEquals(IpAddress.parse(hosts.ipA()), f4.remote(), "a v4 peer of a dual-stack socket, recvmsg6 and sendmsg4 alike");
        assertEquals(IpAddress.parse(hosts.ipA()), flows.get(p4s).remote());
        assertEquals(Set.of(f6.cookie()), flows.values().stream().map(Conn::cookie).collect(Collectors.toSet()), "one socket");
        assertEquals(500, f6.bytesReceived());
        assertEquals(250, f6.bytesSent());
        assertEquals(1000, f4.bytesReceived());
        assertEquals(500, f4.bytesSent());
        assertEquals(5, f4.packetsReceived());
        assertEquals(5, f4.packetsSent());
        assertEquals(180, flows.get(p4s).bytesReceived());
        assertEquals(90, flows.get(p4s).bytesSent());
        for (Conn f : flows.values()) {
            assertEquals(Protocol.UDP, f.protocol());
            assertEquals(server.process().pid(), f.pid());
        }
        Peer.open(gate);
        v6.await("CLOSED");
        v4.await("CLOSED");
        v4sendto.await("CLOSED");
        server.process().destroy();
        assertTrue(server.process().waitFor(10, TimeUnit.SECONDS));
        Map<Integer, Conn> closed = closedByRemotePort(netnsB, 5009, 3);
        assertEquals(Set.of(p6, p4, p4s), closed.keySet(), () -> "closed once per peer: " + closed);
        assertEquals(1000, closed.get(p4).bytesReceived());
        assertEquals(250, closed.get(p6).bytesSent());
        assertTrue(open(netnsB, 5009).isEmpty(), "nothing of the server's socket stays in the maps");
    }

    @Test
    void receivesWithoutSourceAddressAreCountedUnderTheUnknownPeer() throws Exception {
        Peer.Run server = peer.spawn(hosts.b(), "recvserver", "5010");
        server.await("LISTENING");
        Path gate = peer.gate("norecvfrom");
        Peer.Run client = peer.spawn(hosts.a(), "blast", hosts.ipB(), "5010", "100", "4", gate.toString());
        int port = Integer.parseInt(client.await("READY")[0]);
        Conn sent = openOne(netnsA, port);
        assertEquals(400, sent.bytesSent(), "an unconnected client's sendto calls, all to one peer");
        assertEquals(4, sent.packetsSent());
        assertEquals(IpAddress.parse(hosts.ipB()), sent.remote());
        Await.until(WAIT, "the server read all four datagrams", () -> open(netnsB, 5010).stream()
                .mapToLong(Conn::bytesReceived).sum() == 400);
        Map<Integer, Conn> flows = open(netnsB, 5010).stream().collect(Collectors.toMap(Conn::remotePort, Function.identity()));
        assertEquals(Set.of(port, 0), flows.keySet(), () -> "the known peer and the unknown one: " + flows);
        Conn known = flows.get(port);
        assertEquals(100, known.bytesReceived(), "recvfrom: the first datagram");
        assertEquals(50, known.bytesSent());
        assertEquals(1, known.packetsReceived());
        Conn unknown = flows.get(0);
        assertEquals(300, unknown.bytesReceived(), "recv() without a source address");
        assertEquals(3, unknown.packetsReceived());
        assertEquals(IpAddress.parse("::"), unknown.remote());
        assertEquals(server.process().pid(), unknown.pid());
        Peer.open(gate);
        client.await("CLOSED");
        assertEquals(400, closedOne(netnsA, port, 5010).bytesSent());
        server.process().destroy();
        assertTrue(server.process().waitFor(10, TimeUnit.SECONDS));
        Map<Integer, Conn> closed = closedByRemotePort(netnsB, 5010, 2);
        assertEquals(300, closed.get(0).bytesReceived());
        assertEquals(100, closed.get(port).bytesReceived());
    }
}
