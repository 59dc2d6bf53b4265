package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.cartograph.capture.CaptureStatus;
import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.testkit.Await;
import org.junit.jupiter.api.Test;

/**
 * The capture scenarios against the real kernel: servers in namespace b, clients in namespace a,
 * the backend's numbers compared with what the peers sent and with {@code ss -tin}. A subclass
 * chooses how capture runs: in this JVM ({@link EbpfKernelTest}) or in a probe process
 * ({@link ProbeKernelTest}).
 */
abstract class KernelScenarios extends KernelTestBase {

    @Test
    void tcpBytesDirectionProcessAndRttMatchThePeersAndSs() throws Exception {
        Peer.Run server = server("tcp", "4", 5001);
        Path gate = peer.gate("tcp4");
        Peer.Run client = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5001", "10008", "20000", gate.toString());
        int lport = Integer.parseInt(client.await("READY")[0]);

        Conn out = openOne(netnsA, lport);
        Ss ss = Ss.of(hosts, hosts.a(), lport);
        assertEquals(10008, out.bytesSent());
        assertEquals(20000, out.bytesReceived());
        assertEquals(ss.bytesAcked() - 1, out.bytesSent(), "ss bytes_acked counts the SYN");
        assertEquals(ss.bytesReceived(), out.bytesReceived());
        assertEquals(Protocol.TCP, out.protocol());
        assertEquals(Direction.OUTGOING, out.direction());
        assertEquals(IpAddress.parse(hosts.ipA()), out.local());
        assertEquals(IpAddress.parse(hosts.ipB()), out.remote());
        assertEquals(5001, out.remotePort());
        assertEquals(client.process().pid(), out.pid());
        assertEquals(Files.readString(Path.of("/proc/" + out.pid() + "/comm")).strip(), out.processName());
        assertTrue(out.cookie() != 0);
        assertTrue(out.cgroupId() != 0);
        assertEquals(1, out.tcpEstablished());
        assertEquals(0, out.tcpClosed());
        assertTrue(out.rttMicros() > 0 && out.rttMicros() < 1_000_000, () -> "rtt " + out.rttMicros());
        assertTrue(out.packetsSent() > 0 && out.packetsReceived() > 0);

        Conn in = open(netnsB, 5001).stream()
                .filter(c -> c.remotePort() == lport).findFirst().orElseThrow();
        assertEquals(10008, in.bytesReceived());
        assertEquals(20000, in.bytesSent());
        assertEquals(Direction.INCOMING, in.direction());
        assertEquals(server.process().pid(), in.pid(), "accepted: the pid of the first read");
        assertEquals(IpAddress.parse(hosts.ipA()), in.remote());

        Peer.open(gate);
        client.await("CLOSED");
        Conn closed = closedOne(netnsA, lport, 5001);
        assertEquals(10008, closed.bytesSent());
        assertEquals(20000, closed.bytesReceived());
        assertEquals(1, closed.tcpClosed());
        assertEquals(out.cookie(), closed.cookie());
        assertEquals(0, closed.failureErrno());
        assertTrue(open(netnsA, lport).isEmpty(), "a closed connection leaves the map");
    }

    @Test
    void everyClosedConnectionArrivesExactlyOnce() {
        server("tcp", "4", 5002);
        Path gate = peer.gate("many");
        Peer.open(gate);
        int n = 30;
        for (int i = 0; i < n; i++) {
            peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5002", "1008", "2000", gate.toString());
        }
        Await.until(WAIT, n + " closed connections on each side", () -> {
            Recorder.snapshot(backend);
            return recorder.closed(c -> c.netns() == netnsA && c.remotePort() == 5002).size() >= n
                    && recorder.closed(c -> c.netns() == netnsB && c.localPort() == 5002).size() >= n;
        });
        Recorder.snapshot(backend);
        List<Conn> clients = recorder.closed(c -> c.netns() == netnsA && c.remotePort() == 5002);
        List<Conn> servers = recorder.closed(c -> c.netns() == netnsB && c.localPort() == 5002);
        assertEquals(n, clients.size());
        assertEquals(n, servers.size());
        Map<Long, Long> perCookie = clients.stream().collect(Collectors.groupingBy(Conn::cookie, Collectors.counting()));
        assertEquals(n, perCookie.size(), "one record per socket cookie");
        for (Conn c : clients) {
            assertEquals(1008, c.bytesSent());
            assertEquals(2000, c.bytesReceived());
            assertEquals(Direction.OUTGOING, c.direction());
        }
        for (Conn c : servers) {
            assertEquals(1008, c.bytesReceived());
            assertEquals(2000, c.bytesSent());
            assertEquals(Direction.INCOMING, c.direction());
        }
        CaptureStatus status = backend.status();
        assertTrue(status.running());
        assertEquals(Map.of(), status.dropsByCause());
    }

    @Test
    void refusedConnectionFailsWith111() {
        Peer.Run c = peer.spawn(hosts.a(), "connect", hosts.ipB(), "5999");
        String[] r = c.await("ERROR");
        assertEquals("111", r[0]);
        int lport = Integer.parseInt(r[1]);
        Conn closed = closedOne(netnsA, lport, 5999);
        assertEquals(111, closed.failureErrno());
        assertEquals(0, closed.tcpEstablished());
        assertEquals(Direction.OUTGOING, closed.direction());
    }

    @Test
    void resetConnectionFailsWith104() {
        server("tcp", "4", 5003);
        Path gate = peer.gate("reset");
        Peer.Run c = peer.spawn(hosts.a(), "reset", hosts.ipB(), "5003", gate.toString());
        int lport = Integer.parseInt(c.await("READY")[0]);
        hosts.exec(hosts.b(), "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "5003", "-j", "REJECT",
                "--reject-with", "tcp-reset").ok();
        Peer.open(gate);
        assertEquals("104", c.await("ERROR")[0]);
        Conn closed = closedOne(netnsA, lport, 5003);
        assertEquals(104, closed.failureErrno());
        assertEquals(1, closed.tcpEstablished());
    }

    @Test
    void unansweredSynFailsWith110() {
        hosts.exec(hosts.a(), "sysctl", "-w", "net.ipv4.tcp_syn_retries=1").ok();
        hosts.exec(hosts.a(), "iptables", "-A", "OUTPUT", "-p", "tcp", "--dport", "5004", "--syn", "-j", "DROP").ok();
        Peer.Run c = peer.spawn(hosts.a(), "connect", hosts.ipB(), "5004");
        String[] r = c.await("ERROR");
        assertEquals("110", r[0]);
        Conn closed = closedOne(netnsA, Integer.parseInt(r[1]), 5004);
        assertEquals(110, closed.failureErrno());
    }

    @Test
    void retransmitsUnderLossMatchSs() {
        server("tcp", "4", 5005);
        // dropped on arrival in b: a drop in a's own OUTPUT is reported to TCP locally and re-sent
        // without counting as a retransmit
        hosts.exec(hosts.b(), "iptables", "-A", "INPUT", "-p", "tcp", "--dport", "5005", "-m", "statistic",
                "--mode", "random", "--probability", "0.1", "-j", "DROP").ok();
        Path gate = peer.gate("loss");
        Peer.Run client = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5005", "3000008", "100", gate.toString());
        int lport = Integer.parseInt(client.await("READY")[0]);
        Conn out = openOne(netnsA, lport);
        Ss ss = Ss.of(hosts, hosts.a(), lport);
        assertEquals(ss.totalRetrans(), out.retransmits(), "total_retrans as ss shows it");
        assertTrue(out.retransmits() > 0, () -> "10% loss causes retransmits: "
                + hosts.exec(hosts.b(), "iptables", "-L", "INPUT", "-v", "-n").stdout() + hosts.exec(hosts.a(), "ss", "-tin").stdout());
        assertEquals(3000008, out.bytesSent());
        assertEquals(ss.bytesAcked() - 1, out.bytesSent());
        Peer.open(gate);
        long closedRetransmits = closedOne(netnsA, lport, 5005).retransmits();
        assertTrue(closedRetransmits >= out.retransmits(), "final total_retrans at close: " + closedRetransmits);
    }

    @Test
    void udpFlowsCountDatagramsAndBytes() {
        server("udp", "4", 5006);
        Path gate = peer.gate("udp");
        Peer.Run client = peer.spawn(hosts.a(), "client", "udp", hosts.ipB(), "5006", "100", "0", gate.toString());
        int lport = Integer.parseInt(client.await("READY")[0]);
        Conn out = openOne(netnsA, lport);
        assertEquals(Protocol.UDP, out.protocol());
        assertEquals(500, out.bytesSent());
        assertEquals(250, out.bytesReceived());
        assertEquals(5, out.packetsSent());
        assertEquals(5, out.packetsReceived());
        assertEquals(IpAddress.parse(hosts.ipB()), out.remote());
        assertEquals(5006, out.remotePort());
        assertEquals(client.process().pid(), out.pid());
        Conn server = openOne(netnsB, 5006);
        assertEquals(500, server.bytesReceived());
        assertEquals(250, server.bytesSent());
        Peer.open(gate);
        client.await("CLOSED");
        Conn closed = closedOne(netnsA, lport, 5006);
        assertEquals(500, closed.bytesSent());
        assertEquals(out.cookie(), closed.cookie());
    }

    @Test
    void ipv6AndDualStackAddresses() {
        server("tcp", "6", 5007);
        Path gate = peer.gate("v6");
        Peer.Run v6 = peer.spawn(hosts.a(), "client", "tcp", hosts.ip6B(), "5007", "4008", "3000", gate.toString());
        Peer.Run v4 = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5007", "5008", "6000", gate.toString());
        int p6 = Integer.parseInt(v6.await("READY")[0]);
        int p4 = Integer.parseInt(v4.await("READY")[0]);
        Conn c6 = openOne(netnsA, p6);
        assertEquals(IpAddress.parse(hosts.ip6A()), c6.local());
        assertEquals(IpAddress.parse(hosts.ip6B()), c6.remote());
        assertEquals(4008, c6.bytesSent());
        assertEquals(3000, c6.bytesReceived());
        Map<Integer, Conn> serverSide = open(netnsB, 5007).stream().collect(Collectors.toMap(Conn::remotePort, Function.identity()));
        Conn s6 = serverSide.get(p6);
        Conn s4 = serverSide.get(p4);
        assertEquals(IpAddress.parse(hosts.ip6A()), s6.remote());
        assertEquals(IpAddress.parse(hosts.ipA()), s4.remote(), "dual-stack IPv4 peer normalised");
        assertEquals(IpAddress.parse(hosts.ipB()), s4.local());
        assertEquals(5008, s4.bytesReceived());
        assertEquals(6000, s4.bytesSent());
        Peer.open(gate);
    }
}
