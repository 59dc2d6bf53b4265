package org.cartograph.capture.replay.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayBackendTest {

    private static final long V4_MAPPED = 0x0000_FFFF_0000_0000L;

    @TempDir
    Path dir;

    private final Recorders core = new Recorders(100);
    private ReplayBackend backend;

    @AfterEach
    void close() {
        if (backend != null) {
            backend.stop();
            backend.close();
        }
    }

    @Test
    void replaysEveryValueOfAConnection() throws Exception {
        start("""
                steps:
                  - open:
                      - {id: web1, protocol: udp, laddr: 10.0.0.1, lport: 40000, raddr: 10.0.0.2, rport: 80,
                         netns: 4026531840, pid: 42, process: curl, cgroup: 9, direction: outgoing, cookie: 7,
                         preexisting: true, bytes_sent: 100, bytes_received: 2000, packets_sent: 2,
                         packets_received: 3, retransmits: 4, rtt_us: 150, rtt_var_us: 20, established: 1,
                         closed: 0, failure_errno: 111}
                """);

        backend.snapshot(core);

        assertEquals(List.of(new Seen("open", 7, Protocol.UDP, 0, V4_MAPPED | 0x0A000001L, 40000, 0,
                V4_MAPPED | 0x0A000002L, 80, 4026531840L, 42, "curl", 9, Direction.OUTGOING, true, 100, 2000, 2, 3, 4,
                150, 20, 1, 0, 111)), core.take());
    }

    @Test
    void omittedFieldsTakeTheirDefaults() throws Exception {
        start("""
                steps:
                  - open: [{id: bare}]
                    close: [{id: gone}]
                """);

        backend.snapshot(core);

        List<Seen> seen = core.take();
        Seen closed = new Seen("close", 0, Protocol.TCP, 0, V4_MAPPED, 0, 0, V4_MAPPED, 0, 0, 0, "", 0,
                Direction.NONE, false, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        Seen open = new Seen("open", 0, Protocol.TCP, 0, V4_MAPPED, 0, 0, V4_MAPPED, 0, 0, 0, "", 0,
                Direction.NONE, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(List.of(closed, open), seen);
    }

    @Test
    void closedConnectionsAreOfferedBeforeOpenOnesAreVisited() throws Exception {
        start("""
                steps:
                  - open: [{id: a, lport: 1}, {id: b, lport: 2}]
                    close: [{id: c, lport: 3}]
                  - close: [{id: a, lport: 1}]
                    open: [{id: b, lport: 2}]
                """);

        backend.snapshot(core);
        backend.snapshot(core);

        List<String> order = core.take().stream().map(s -> s.via() + ":" + s.localPort()).toList();
        assertEquals(List.of("close:3", "open:1", "open:2", "close:1", "open:2"), order);
    }

    @Test
    void oneViewInstanceServesEveryVisitAndOffer() throws Exception {
        start("""
                steps:
                  - open: [{lport: 1}, {lport: 2}]
                    close: [{lport: 3}]
                  - open: [{lport: 4}]
                """);

        backend.snapshot(core);
        backend.snapshot(core);

        assertEquals(4, core.instances.size());
        ConnectionView first = core.instances.get(0);
        for (ConnectionView view : core.instances) {
            assertSame(first, view);
        }
    }

    @Test
    void ipv6AddressesAreSplitIntoTheirHalves() throws Exception {
        start("""
                steps:
                  - open:
                      - {laddr: "2001:db8::1", raddr: "fe80::1:2:3:4"}
                      - {laddr: 2001:db8:1:2:3:4:5:6, raddr: "::1"}
                      - laddr: ::ffff:192.168.0.1
                        raddr: 10.0.0.2
                      - laddr: ::2
                        raddr: ::3
                """);

        backend.snapshot(core);

        List<Seen> seen = core.take();
        assertEquals(0x2001_0db8_0000_0000L, seen.get(0).localHigh());
        assertEquals(1L, seen.get(0).localLow());
        assertEquals(0xfe80_0000_0000_0000L, seen.get(0).remoteHigh());
        assertEquals(0x0001_0002_0003_0004L, seen.get(0).remoteLow());
        assertEquals(0x2001_0db8_0001_0002L, seen.get(1).localHigh());
        assertEquals(0x0003_0004_0005_0006L, seen.get(1).localLow());
        assertEquals(0L, seen.get(1).remoteHigh());
        assertEquals(1L, seen.get(1).remoteLow());
        assertEquals(0L, seen.get(2).localHigh());
        assertEquals(V4_MAPPED | 0xC0A80001L, seen.get(2).localLow());
        assertEquals(V4_MAPPED | 0x0A000002L, seen.get(2).remoteLow());
        assertEquals(2L, seen.get(3).localLow());
        assertEquals(3L, seen.get(3).remoteLow());
    }

    @Test
    void aFinishedScriptVisitsNothingAndSaysSo() throws Exception {
        start("""
                steps:
                  - open: [{id: a}]
                  - open: [{id: a}]
                """);
        backend.snapshot(core);
        backend.snapshot(core);
        core.take();

        backend.snapshot(core);
        backend.snapshot(core);

        assertEquals(List.of(), core.take());
        CaptureStatus status = backend.status();
        assertEquals("script " + dir.resolve("script.yaml") + " step 2/2", status.variant());
        assertTrue(status.message().contains("finished"), status.message());
    }

    @Test
    void repetitionsOffsetCountersByTheLargestValueAndShiftCookies() throws Exception {
        start("""
                repeat: true
                steps:
                  - open: [{id: web1, cookie: 7, bytes_sent: 100, packets_sent: 1, rtt_us: 50}]
                  - close: [{id: web1, cookie: 7, bytes_sent: 250, packets_sent: 3, rtt_us: 60, established: 1}]
                """);

        for (int i = 0; i < 5; i++) {
            backend.snapshot(core);
        }

        List<Seen> seen = core.take();
        assertEquals(List.of(100L, 250L, 350L, 500L, 600L), seen.stream().map(Seen::bytesSent).toList());
        assertEquals(List.of(1L, 3L, 4L, 6L, 7L), seen.stream().map(Seen::packetsSent).toList());
        assertEquals(List.of(7L, 7L, 1_000_007L, 1_000_007L, 2_000_007L), seen.stream().map(Seen::cookie).toList());
        assertEquals(List.of(50, 60, 50, 60, 50), seen.stream().map(Seen::rttMicros).toList());
        assertEquals(List.of(0, 1, 0, 1, 0), seen.stream().map(Seen::tcpEstablished).toList());
        CaptureStatus status = backend.status();
        assertEquals("script " + dir.resolve("script.yaml") + " step 1/2", status.variant());
        assertTrue(status.message().contains("repetition 2"), status.message());
    }

    @Test
    void refusedOffersAreCountedAsDrops() throws Exception {
        Recorders small = new Recorders(1);
        backend = new ReplayBackend(new TestConfig(write("""
                steps:
                  - close: [{lport: 1}, {lport: 2}, {lport: 3}]
                """).toString()));
        backend.open(small);
        backend.start();

        backend.snapshot(small);

        assertEquals(1, small.take().size());
        assertEquals(Map.of(ReplayBackend.DROP_CAUSE, 2L), backend.status().dropsByCause());
    }

    @Test
    void lifecycleIsReportedAndStopAndCloseAreIdempotent() throws Exception {
        Path script = write("steps: [{open: [{id: a}]}]\n");
        backend = new ReplayBackend(new TestConfig(script.toString()));
        assertThrows(CaptureException.class, () -> backend.snapshot(core));

        backend.open(core);
        assertFalse(backend.status().running());
        assertThrows(CaptureException.class, () -> backend.snapshot(core));
        backend.start();
        assertTrue(backend.status().running());
        assertEquals("script " + script + " step 0/1", backend.status().variant());
        backend.stop();
        backend.stop();
        backend.close();
        backend.close();

        assertFalse(backend.status().running());
        assertEquals(List.of(), backend.status().cannotSee());
        assertThrows(CaptureException.class, () -> backend.snapshot(core));
        assertEquals("replay", backend.name());
        assertEquals(EnumSet.allOf(CaptureFeature.class), backend.capabilities().features());
    }

    @Test
    void aMissingScriptSettingIsRejectedAtActivation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReplayBackend(new TestConfig(null)));

        assertTrue(e.getMessage().contains("script"), e.getMessage());
    }

    @Test
    void theReadmeExampleIsAValidScript() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("```yaml\n", readme.indexOf("## Script format")) + "```yaml\n".length();
        start(readme.substring(from, readme.indexOf("```", from)));

        backend.snapshot(core);
        backend.snapshot(core);
        backend.snapshot(core);

        List<String> seen = core.take().stream().map(s -> s.via() + ":" + s.localPort() + ":" + s.bytesSent()).toList();
        assertEquals(List.of("open:40000:100", "open:53000:0", "open:40000:300", "close:40000:320", "close:40001:0"),
                seen);
    }

    private void start(String yaml) throws IOException, CaptureException {
        backend = new ReplayBackend(new TestConfig(write(yaml).toString()));
        backend.open(core);
        backend.start();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("script.yaml"), yaml);
    }
}
