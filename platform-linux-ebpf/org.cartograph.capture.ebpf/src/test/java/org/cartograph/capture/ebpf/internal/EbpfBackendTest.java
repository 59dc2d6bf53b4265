package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.junit.jupiter.api.Test;

/** The backend's logic against fakes of the kernel interfaces. */
class EbpfBackendTest {

    private final FakeKernel kernel = new FakeKernel();

    private EbpfBackend backend(List<String> missingCaps, String cgroup) {
        return new EbpfBackend(TestConfig.defaults(), new Environment(kernel, () -> new byte[] {1},
                () -> missingCaps, () -> cgroup, () -> null,
                () -> List.of("/proc/self/ns/net", "/var/run/netns/x")));
    }

    @Test
    void missingCapabilitiesAreNamed() {
        EbpfBackend b = backend(List.of("CAP_BPF", "CAP_PERFMON"), "/sys/fs/cgroup");
        CaptureException e = assertThrows(CaptureException.class, () -> b.open(new Recorder()));
        assertTrue(e.getMessage().contains("CAP_BPF, CAP_PERFMON"), e.getMessage());
        assertEquals(e.getMessage(), b.status().message());
        assertTrue(kernel.loads.isEmpty());
    }

    @Test
    void tracefsIsUnmountedOnlyIfTheBackendMountedIt() throws Exception {
        kernel.tracefsAbsent = true;
        EbpfBackend b = new EbpfBackend(new TestConfig("tracepoint", 100, true), new Environment(kernel, () -> new byte[] {1},
                List::of, () -> "/sys/fs/cgroup/unified", () -> null, () -> List.of("/proc/self/ns/net")));
        b.open(new Recorder());
        assertTrue(kernel.tracefsMounted);
        b.close();
        assertFalse(kernel.tracefsMounted);
        assertEquals(1, kernel.tracefsUnmounts);

        b.open(new Recorder());
        b.close();
        b.close();
        assertEquals(2, kernel.tracefsUnmounts, "mounted again by the second open, unmounted once");

        kernel.tracefsAbsent = false;
        b.open(new Recorder());
        b.close();
        assertEquals(2, kernel.tracefsUnmounts, "what was mounted before is left alone");
    }

    @Test
    void capEffIsParsed() {
        assertEquals(List.of(), Privileges.missing("Name:\tx\nCapEff:\t000001fffeffffff\n"));
        assertEquals(List.of("CAP_BPF", "CAP_PERFMON", "CAP_NET_ADMIN"), Privileges.missing("CapEff:\t0000000000000000\n"));
        assertEquals(List.of(), Privileges.missing("CapEff:\t000000c000001000\n"), "CAP_BPF+CAP_PERFMON+CAP_NET_ADMIN");
        assertEquals(List.of("CAP_NET_ADMIN"), Privileges.missing("CapEff:\t0000000000200000\n"), "CAP_SYS_ADMIN covers BPF and PERFMON");
    }

    @Test
    void tpBtfIsPreferredAndEverythingIsAttached() throws Exception {
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup/unified");
        b.open(new Recorder());
        assertEquals(List.of("carto_send_btf", "carto_recv_btf", "carto_state_btf", "carto_sock_rel@/sys/fs/cgroup/unified",
                "carto_udp_send4@/sys/fs/cgroup/unified", "carto_udp_send6@/sys/fs/cgroup/unified",
                "carto_udp_recv4@/sys/fs/cgroup/unified", "carto_udp_recv6@/sys/fs/cgroup/unified"), kernel.attached);
        b.start();
        assertEquals(List.of("carto_iter_tcp@/proc/self/ns/net", "carto_iter_tcp@/var/run/netns/x",
                "carto_iter_udp@/proc/self/ns/net", "carto_iter_udp@/var/run/netns/x"), kernel.iterated);
        assertEquals("tp_btf+cgroup_sock+sock_addr+iter+ringbuf", b.status().variant());
        assertTrue(b.capabilities().has(CaptureFeature.PREEXISTING_CONNECTIONS));
        assertTrue(b.capabilities().has(CaptureFeature.UNCONNECTED_UDP_PEERS));
        assertTrue(b.status().cannotSee().stream().noneMatch(s -> s.contains("no cgroup v2")), b.status().cannotSee()::toString);
        assertTrue(b.status().cannotSee().stream().anyMatch(s -> s.contains("recv()/read() on an unconnected socket")),
                b.status().cannotSee()::toString);
        assertEquals("linux", b.group());
        assertEquals(100, b.preference());
        b.close();
        assertTrue(kernel.closed);
        assertFalse(b.status().running());
    }

    @Test
    void classicTracepointsWhenTpBtfDoesNotLoad() throws Exception {
        kernel.failBtfLoad = true;
        EbpfBackend b = backend(List.of(), "");
        b.open(new Recorder());
        assertEquals(List.of("carto_send_tp", "carto_recv_tp", "carto_state_tp"), kernel.attached);
        assertTrue(b.status().variant().startsWith("tracepoint"), b.status().variant());
        assertTrue(b.status().cannotSee().stream().anyMatch(s -> s.contains("closing of UDP sockets")));
        assertTrue(b.status().cannotSee().stream().anyMatch(s -> s.contains("unconnected UDP")));
        assertFalse(b.capabilities().has(CaptureFeature.UNCONNECTED_UDP_PEERS));
        b.close();
    }

    @Test
    void classicTracepointsWhenTheKernelHasNoBtfTracepoints() throws Exception {
        kernel.btf = false;
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup");
        b.open(new Recorder());
        assertEquals(1, kernel.loads.size());
        assertTrue(kernel.loads.get(0).contains("carto_state_tp"));
        assertFalse(kernel.loads.get(0).contains("carto_state_btf"));
        b.close();
    }

    @Test
    void snapshotVisitsEveryEntryThroughOneReusedView() throws Exception {
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup");
        b.open(new Recorder());
        b.start();
        kernel.table.put(1L, FakeKernel.record(1, false, 40000, 80, 100, 200, 42, "curl"));
        kernel.table.put(2L, FakeKernel.record(2, true, 40001, 53, 30, 60, 43, "dig"));
        Map<ConnectionView, Boolean> views = new IdentityHashMap<>();
        List<Conn> seen = new ArrayList<>();
        b.snapshot(v -> {
            views.put(v, true);
            seen.add(Conn.of(v));
        });
        assertEquals(1, views.size(), "one reused view");
        assertEquals(2, seen.size());
        Conn tcp = seen.get(0);
        assertEquals(Protocol.TCP, tcp.protocol());
        assertEquals(IpAddress.parse("10.0.0.1"), tcp.local());
        assertEquals(IpAddress.parse("10.0.0.2"), tcp.remote());
        assertEquals(40000, tcp.localPort());
        assertEquals(80, tcp.remotePort());
        assertEquals(100, tcp.bytesSent());
        assertEquals(200, tcp.bytesReceived());
        assertEquals(42, tcp.pid());
        assertEquals("curl", tcp.processName());
        assertEquals(Direction.OUTGOING, tcp.direction());
        assertEquals(Protocol.UDP, seen.get(1).protocol());
        assertEquals(0, seen.get(1).tcpEstablished());
        List<String> names = new ArrayList<>();
        b.snapshot(v -> names.add(v.processName()));
        b.snapshot(v -> names.add(v.processName()));
        assertSame(names.get(0), names.get(2), "process names are cached");
        b.close();
    }

    @Test
    void unconnectedUdpSocketIsReportedOncePerPeer() throws Exception {
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup");
        b.open(new Recorder());
        b.start();
        byte[] socket = FakeKernel.record(9, true, 53, 0, 999, 999, 77, "dnsd");
        socket[ConnRecord.HAS_PEERS] = 1;
        kernel.table.put(9L, socket);
        kernel.table.put(10L, FakeKernel.record(10, true, 40001, 0, 5, 5, 78, "lonely"));
        kernel.peerTable.put("9/1000", FakeKernel.record(9, true, 53, 1000, 40, 100, 77, "dnsd"));
        kernel.peerTable.put("9/2000", FakeKernel.record(9, true, 53, 2000, 80, 300, 77, "dnsd"));
        List<Conn> seen = Recorder.snapshot(b);
        assertEquals(List.of(0, 1000, 2000), seen.stream().map(Conn::remotePort).toList(),
                "the socket without peers as one flow, the other once per peer instead of its own entry");
        assertEquals(40001, seen.get(0).localPort());
        assertEquals(List.of(9L, 9L), seen.subList(1, 3).stream().map(Conn::cookie).toList());
        assertEquals(300, seen.get(2).bytesReceived());
        assertEquals(80, seen.get(2).bytesSent());
        assertEquals(77, seen.get(2).pid());
        b.close();
    }

    @Test
    void closedConnectionsReachTheBufferOnceAndDropsAreReported() throws Exception {
        Recorder recorder = new Recorder();
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup");
        b.open(recorder);
        b.start();
        kernel.table.put(7L, FakeKernel.record(7, false, 40000, 443, 10, 20, 1, "x"));
        kernel.close(7L);
        kernel.drops[DropCounters.RINGBUF_FULL] = 3;
        b.snapshot(v -> { });
        b.snapshot(v -> { });
        assertEquals(1, recorder.closed.size());
        assertEquals(1, recorder.closed.get(0).tcpClosed());
        assertEquals(Map.of("ringbuf_full", 3L), b.status().dropsByCause());
        b.close();
    }

    @Test
    void settingsFilterProtocolsAndIpv6() throws Exception {
        Recorder recorder = new Recorder(new CaptureSettings(1000, 100, true, false, true, Duration.ofSeconds(1)));
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup");
        b.open(recorder);
        b.start();
        assertEquals(1, kernel.loads.size());
        kernel.table.put(1L, FakeKernel.record(1, false, 40000, 80, 1, 1, 1, "a"));
        kernel.table.put(2L, FakeKernel.record(2, true, 40001, 53, 1, 1, 1, "b"));
        List<Protocol> seen = new ArrayList<>();
        b.snapshot(v -> seen.add(v.protocol()));
        assertEquals(List.of(Protocol.TCP), seen);
        b.close();
    }

    @Test
    void snapshotBeforeStartFails() throws Exception {
        EbpfBackend b = backend(List.of(), "/sys/fs/cgroup");
        assertThrows(CaptureException.class, () -> b.snapshot(v -> { }));
        b.open(new Recorder());
        b.open(new Recorder());
        assertEquals(1, kernel.loads.size(), "opening twice is harmless");
        assertThrows(CaptureException.class, () -> b.snapshot(v -> { }));
        b.close();
        b.close();
    }
}
