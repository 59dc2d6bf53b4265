package org.cartograph.capture.ebpf.internal.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.RecordingCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe protocol end to end without a kernel: a {@link ProbeServer} serving a
 * {@link ScriptedBackend} on a real Unix socket in a temporary directory, read by a
 * {@link ProbeBackend} in the same JVM; and raw peers that break the protocol.
 */
class ProbeProtocolTest {

    private static final int TIMEOUT_MS = 2000;

    @TempDir
    Path dir;
    private Path socket;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private ScriptedBackend fake;
    private ClosedQueue queue;
    private ProbeServer server;

    /** A probe backend configuration. */
    @BeforeEach
    void socketPath() {
        socket = dir.resolve("probe.sock");
    }

    @AfterEach
    void closeAll() throws Exception {
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    private void serve(int queueCapacity) throws Exception {
        queue = new ClosedQueue(queueCapacity);
        fake = new ScriptedBackend(queue);
        server = ProbeServer.bind(socket, "", fake, queue);
        resources.push(server);
        server.start();
    }

    private ProbeBackend agent(RecordingCapture<WireConn> context) throws CaptureException {
        ProbeBackend agent = new ProbeBackend(new AgentConfig(socket.toString(), TIMEOUT_MS));
        resources.push(agent::close);
        agent.open(context);
        agent.start();
        return agent;
    }

    private static List<WireConn> snapshot(ProbeBackend agent) throws CaptureException {
        List<WireConn> seen = new ArrayList<>();
        agent.snapshot(v -> seen.add(WireConn.of(v)));
        return seen;
    }

    /** @return the connections as an agent that connected after they opened sees them: pre-existing */
    private static List<WireConn> preexisting(List<WireConn> connections) {
        return connections.stream().map(c -> c.withPreexisting(true)).toList();
    }

    /**
     * Connections open when an agent connects existed before its capture started: the probe marks
     * them pre-existing, in snapshots and when they close, as the in-process backend marks what it
     * finds open at start; connections opened later keep their own flag.
     */
    @Test
    void connectionsOpenWhenTheAgentConnectsArePreexistingForIt() throws Exception {
        serve(1024);
        List<WireConn> before = numbered(1, 3).stream().map(c -> c.withPreexisting(false)).toList();
        fake.open = before;
        RecordingCapture<WireConn> context = RecordingCapture.collectingAll(WireConn::of);
        ProbeBackend agent = agent(context);
        List<WireConn> after = numbered(3, 5).stream().map(c -> c.withPreexisting(false)).toList();
        fake.open = Stream.concat(before.stream(), after.stream()).toList();
        assertEquals(Stream.concat(preexisting(before).stream(), after.stream()).toList(),
                snapshot(agent));
        fake.closeAtNextSnapshot(List.of(before.get(0), after.get(0)));
        fake.open = List.of(before.get(1), after.get(1));
        snapshot(agent);
        assertEquals(List.of(before.get(0).withPreexisting(true), after.get(0)), context.closed);
    }

    private static List<WireConn> numbered(int from, int to) {
        return IntStream.range(from, to).mapToObj(WireConn::numbered).toList();
    }

    @Test
    void aWireRecordCarriesEveryFieldExactly() {
        WireRecord encoder = new WireRecord();
        ByteBuffer buffer = ByteBuffer.allocate(WireRecord.SIZE * 2).order(ByteOrder.LITTLE_ENDIAN);
        WireView view = new WireView();
        List<WireConn> cases = new ArrayList<>();
        cases.add(new WireConn(-1L, Protocol.TCP, 0x2001_0DB8_0000_0001L, 0xFFFF_FFFF_FFFF_FFFEL, 0,
                0xFE80_0000_0000_0000L, 0x0000_0000_0000_0001L, 65535, 4_026_531_840L, 4_194_303, "",
                Long.MAX_VALUE, Direction.INCOMING, true, (1L << 40) + 7, (1L << 32) + 1, (1L << 33) + 3, -2L,
                (1L << 35) + 9, 123_456, 7_890, 1, 1, 111));
        cases.add(new WireConn(42, Protocol.UDP, WireConn.V4_MAPPED_HIGH, WireConn.v4Mapped(127, 0, 0, 1), 65535,
                WireConn.V4_MAPPED_HIGH, WireConn.v4Mapped(255, 255, 255, 255), 0, 1, 1, "abcdefghijklmno", 9,
                Direction.OUTGOING, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        cases.add(new WireConn(43, Protocol.TCP, 1, 2, 80, 3, 4, 8080, 5, 6, "x", 7, Direction.LOCAL, false,
                1, 2, 3, 4, 5, Integer.MAX_VALUE, 1, 1, 0, 0));
        cases.add(new WireConn(44, Protocol.TCP, 1, 2, 80, 3, 4, 8080, 5, 7, "y", 7, Direction.NONE, true,
                1, 2, 3, 4, 5, 6, 7, 0, 1, 104));
        for (WireConn c : cases) {
            encoder.encode(c, buffer.clear().position(WireRecord.SIZE));
            assertEquals(2 * WireRecord.SIZE, buffer.position(), "encode advances by one record");
            assertEquals(c, WireConn.of(view.at(buffer, WireRecord.SIZE)));
        }

        Map<String, String> names = new HashMap<>();
        names.put("sixteen-bytes-xy", "sixteen-bytes-x");
        names.put("a-much-longer-process-name", "a-much-longer-p");
        names.put("éééééééé", "ééééééé");
        names.put("ab€€€€€", "ab€€€€");
        names.put("abcdefghijk\uD83D\uDE00", "abcdefghijk\uD83D\uDE00");
        names.put("abcdefghijkl\uD83D\uDE00", "abcdefghijkl");
        int pid = 100;
        for (Map.Entry<String, String> name : names.entrySet()) {
            WireConn c = WireConn.numbered(pid).withName(pid++, name.getKey());
            encoder.encode(c, buffer.clear());
            WireConn decoded = WireConn.of(view.at(buffer, 0));
            assertEquals(name.getValue(), decoded.processName(), name.getKey());
            assertEquals(c.withName(c.pid(), name.getValue()), decoded);
        }
    }

    @Test
    void aSnapshotLargerThanTheFramesArrivesCompleteAndInOrder() throws Exception {
        serve(1024);
        ProbeBackend agent = agent(RecordingCapture.collectingAll(WireConn::of));
        fake.open = numbered(0, 600);
        assertEquals(fake.open, snapshot(agent));
        fake.open = numbered(600, 1900);
        assertEquals(fake.open, snapshot(agent), "more frames than the agent's pool of buffers");
        fake.open = List.of();
        assertEquals(List.of(), snapshot(agent));
    }

    @Test
    void closedConnectionsComeBeforeTheSnapshotReturnsAndBetweenSnapshots() throws Exception {
        serve(1024);
        RecordingCapture<WireConn> context = RecordingCapture.collectingAll(WireConn::of);
        ProbeBackend agent = agent(context);
        fake.open = numbered(0, 300);
        fake.closeAtNextSnapshot(numbered(1000, 1003));
        List<Integer> closedAtEachVisit = new ArrayList<>();
        agent.snapshot(v -> closedAtEachVisit.add(context.closed.size()));
        assertEquals(Collections.nCopies(300, 3), closedAtEachVisit, "closed before the first open frame");
        assertEquals(numbered(1000, 1003), context.closed);

        fake.open = List.of();
        fake.closeAtNextSnapshot(numbered(1003, 1005));
        assertEquals(List.of(), snapshot(agent));
        assertEquals(numbered(1000, 1005), context.closed, "closed before the end of an empty snapshot");

        Thread drain = Thread.ofPlatform().name("fake-drain").start(() -> numbered(1005, 1305).forEach(fake::closeNow));
        drain.join();
        Await.until(Duration.ofSeconds(3), "300 closed connections pushed between snapshots",
                () -> context.closed.size() == 305);
        assertEquals(numbered(1000, 1305), context.closed);
    }

    @Test
    void statusCapabilitiesAndProbeDropsCross() throws Exception {
        serve(4);
        assertFalse(fake.closeNow(WireConn.numbered(1)), "no agent yet");
        assertFalse(fake.closeNow(WireConn.numbered(2)));
        RecordingCapture<WireConn> context = RecordingCapture.collectingAll(WireConn::of);
        ProbeBackend agent = agent(context);

        CaptureStatus status = agent.status();
        assertEquals("probe", status.backend());
        assertEquals("probe: " + ScriptedBackend.VARIANT, status.variant());
        assertTrue(status.running());
        assertEquals(ScriptedBackend.CANNOT_SEE, status.cannotSee());
        assertEquals(ScriptedBackend.DROPS, status.dropsByCause(), "closed with no agent are not drops");
        assertTrue(status.message().contains(ScriptedBackend.MESSAGE), status.message());
        assertTrue(status.message().contains("2 connections closed while no agent was connected"), status.message());
        assertEquals(ScriptedBackend.FEATURES, agent.capabilities().features());

        fake.closeAtNextSnapshot(numbered(10, 17));
        snapshot(agent);
        assertEquals(numbered(10, 14), context.closed, "the ring of 4 kept the first 4");
        Map<String, Long> drops = new HashMap<>(ScriptedBackend.DROPS);
        drops.put("probe_queue_full", 3L);
        assertEquals(drops, agent.status().dropsByCause());
    }

    /**
     * The core's visitor gives up while the reader thread waits for a snapshot buffer (more frames
     * than the agent's pool of 4): the abandoned connection's reader must end all the same. It
     * would stay parked only if it took the returned buffer and waited again before the socket was
     * closed, a race, so the scenario runs 25 times (it left about one reader in five behind).
     */
    @Test
    void anAbandonedSnapshotEndsItsReaderThread() throws Exception {
        serve(1024);
        fake.open = numbered(0, 2600);
        List<Thread> abandoned = new ArrayList<>();
        ProbeBackend agent = null;
        for (int round = 0; round < 25; round++) {
            List<Thread> before = readers();
            ProbeBackend current = agent(RecordingCapture.collectingAll(WireConn::of));
            List<Thread> mine = readers().stream().filter(t -> !before.contains(t)).toList();
            assertEquals(1, mine.size(), "one reader thread per connection");
            abandoned.add(mine.get(0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> current.snapshot(v -> {
                awaitParked(mine.get(0));
                throw new IllegalStateException("the visitor gives up");
            }));
            assertEquals("the visitor gives up", e.getMessage());
            agent = current;
        }
        Await.until(Duration.ofSeconds(3), "every abandoned reader thread ends",
                () -> abandoned.stream().noneMatch(Thread::isAlive));
        assertEquals(preexisting(fake.open), snapshot(agent), "the next snapshot reconnects");
    }

    private static List<Thread> readers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("cartograph-probe-reader") && t.isAlive()).toList();
    }

    /** Polls every millisecond (an Await period per round would make this test slow). */
    private static void awaitParked(Thread reader) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (reader.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the reader waits for a free buffer");
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void noProbeAtTheSocketIsNamed() {
        ProbeBackend agent = new ProbeBackend(new AgentConfig(socket.toString(), TIMEOUT_MS));
        resources.push(agent::close);
        CaptureException e = assertThrows(CaptureException.class, () -> agent.open(RecordingCapture.collectingAll(WireConn::of)));
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("bin/cartograph probe"), e.getMessage());
        assertFalse(agent.status().running());
    }

    @Test
    void aBackendFailureIsReportedAndTheConnectionStays() throws Exception {
        serve(1024);
        ProbeBackend agent = agent(RecordingCapture.collectingAll(WireConn::of));
        fake.open = numbered(0, 3);
        fake.failOnce = "boom";
        CaptureException e = assertThrows(CaptureException.class, () -> snapshot(agent));
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
        assertEquals(fake.open, snapshot(agent));
        assertTrue(agent.status().running());
        assertFalse(agent.status().message().contains("reconnected"), agent.status().message());
    }

    @Test
    void aProbeThatGoesAwayIsReportedAndReconnected() throws Exception {
        serve(1024);
        ProbeBackend agent = agent(RecordingCapture.collectingAll(WireConn::of));
        fake.open = numbered(0, 3);
        assertEquals(fake.open, snapshot(agent));

        server.close();
        CaptureException e = assertThrows(CaptureException.class, () -> snapshot(agent));
        assertTrue(e.getMessage().contains(socket.toString()), e.getMessage());
        assertFalse(agent.status().running());

        serve(1024);
        fake.open = numbered(3, 8);
        assertEquals(preexisting(fake.open), snapshot(agent), "open when the agent reconnected");
        CaptureStatus status = agent.status();
        assertTrue(status.running());
        assertTrue(status.message().contains("reconnected 1 times"), status.message());
    }

    @Test
    void aSecondAgentReplacesTheFirstWhichReconnects() throws Exception {
        serve(1024);
        fake.open = numbered(0, 5);
        ProbeBackend first = agent(RecordingCapture.collectingAll(WireConn::of));
        assertEquals(preexisting(fake.open), snapshot(first));
        ProbeBackend second = agent(RecordingCapture.collectingAll(WireConn::of));
        assertEquals(preexisting(fake.open), snapshot(second));

        List<WireConn> seen = null;
        for (int attempt = 1; attempt <= 2 && seen == null; attempt++) {
            try {
                seen = snapshot(first);
            } catch (CaptureException e) {
                assertTrue(attempt == 1 && e.getMessage().contains(socket.toString()), e.getMessage());
            }
        }
        assertEquals(preexisting(fake.open), seen);
    }

    @Test
    void anAgentOfAnotherVersionIsToldAndTheConnectedOneStays() throws Exception {
        serve(1024);
        fake.open = numbered(0, 2);
        ProbeBackend agent = agent(RecordingCapture.collectingAll(WireConn::of));
        try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] hello = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(Frames.MAGIC).putInt(99).array();
            Frames.send(raw, Frames.HELLO, hello);
            ByteBuffer header = ByteBuffer.allocate(Frames.HEADER).order(ByteOrder.LITTLE_ENDIAN);
            int length = Frames.readHeader(raw, header);
            assertEquals(Frames.WELCOME, header.get(4));
            ByteBuffer payload = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            Frames.readPayload(raw, payload, length);
            String error = Frames.error(payload);
            assertTrue(error.contains("version 99"), error);
            assertThrows(EOFException.class, () -> Frames.readHeader(raw, header), "the probe hangs up");
        }
        assertEquals(preexisting(fake.open), snapshot(agent));
    }

    @Test
    void aFrameLongerThanTheLimitFailsTheHandshake() throws Exception {
        resources.push(new RawProbe(socket, agent -> {
            RawProbe.readFrame(agent);
            RawProbe.writeFrame(agent, Frames.MAX_PAYLOAD + 1, Frames.WELCOME, new byte[16]);
        }));
        ProbeBackend agent = new ProbeBackend(new AgentConfig(socket.toString(), TIMEOUT_MS));
        resources.push(agent::close);
        long start = System.nanoTime();
        CaptureException e = assertThrows(CaptureException.class, () -> agent.open(RecordingCapture.collectingAll(WireConn::of)));
        assertTrue(e.getMessage().contains("probe protocol"), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofMillis(TIMEOUT_MS).toNanos(), "failed, not timed out");
    }

    @Test
    void aRecordFrameWhoseCountDisagreesWithItsLengthFailsTheSnapshot() throws Exception {
        resources.push(new RawProbe(socket, agent -> {
            RawProbe.readFrame(agent);
            Frames.send(agent, Frames.WELCOME, Frames.status("", ScriptedBackend.FEATURES,
                    new CaptureStatus("raw", "raw", true, List.of(), Map.of(), "")));
            assertEquals(Frames.SNAPSHOT, RawProbe.readFrame(agent));
            byte[] twoRecords = new byte[4 + 2 * WireRecord.SIZE];
            ByteBuffer.wrap(twoRecords).order(ByteOrder.LITTLE_ENDIAN).putInt(3);
            Frames.send(agent, Frames.OPEN, twoRecords);
        }));
        ProbeBackend agent = agent(RecordingCapture.collectingAll(WireConn::of));
        assertTrue(agent.capabilities().has(CaptureFeature.CLOSED_CONNECTIONS));
        long start = System.nanoTime();
        CaptureException e = assertThrows(CaptureException.class, () -> snapshot(agent));
        assertTrue(e.getMessage().contains("probe protocol"), e.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofMillis(TIMEOUT_MS).toNanos(), "failed, not timed out");
        assertFalse(agent.status().running());
    }
}
