package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.ebpf.internal.probe.AgentConfig;
import org.cartograph.capture.ebpf.internal.probe.ProbeBackend;

import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.AfterAll;

/**
 * What the real-kernel test classes share: two network namespaces joined by a veth pair (servers
 * in b, clients in a), the Python peer, the eBPF backend opened once per class with a recorder, and
 * lookups of its open and closed connections (or the same through a probe process). A subclass's {@code @BeforeAll} calls
 * {@link #startCapture}; everything is closed after the class.
 */
abstract class KernelTestBase {

    static final Duration WAIT = Duration.ofSeconds(30);

    static TestHosts hosts;
    static Peer peer;
    static Recorder recorder;
    static CaptureBackend backend;
    /** The probe process when the class captures through it, else null. */
    static ProbeProcess probe;
    static long netnsA;
    static long netnsB;

    /** Creates the namespaces and opens and starts the backend with {@code config}. */
    static void startCapture(TestConfig config) throws Exception {
        hosts = TestHosts.create();
        peer = new Peer(hosts);
        netnsA = TestHosts.inode(hosts.a());
        netnsB = TestHosts.inode(hosts.b());
        recorder = new Recorder();
        backend = new EbpfBackend(config);
        backend.open(recorder);
        backend.start();
    }

    /**
     * Creates the namespaces, starts a probe process with the default options and captures through
     * it with a {@link ProbeBackend}.
     */
    static void startProbeCapture() throws Exception {
        hosts = TestHosts.create();
        peer = new Peer(hosts);
        netnsA = TestHosts.inode(hosts.a());
        netnsB = TestHosts.inode(hosts.b());
        recorder = new Recorder();
        probe = ProbeProcess.start(Files.createTempDirectory("cartograph-probe").resolve("probe.sock"));
        backend = new ProbeBackend(new AgentConfig(probe.socket.toString(), 10_000));
        backend.open(recorder);
        backend.start();
    }

    @AfterAll
    static void stopCapture() throws Exception {
        if (backend != null) {
            backend.close();
            backend = null;
        }
        if (probe != null) {
            probe.stop();
            probe.close();
            probe = null;
        }
        if (hosts != null) {
            hosts.close();
            hosts = null;
        }
    }

    static Peer.Run server(String proto, String family, int port) {
        Peer.Run s = peer.spawn(hosts.b(), "server", proto, family, Integer.toString(port));
        s.await("LISTENING");
        return s;
    }

    static List<Conn> open(long netns, int localPort) {
        return Recorder.snapshot(backend, c -> c.netns() == netns && c.localPort() == localPort);
    }

    static Conn openOne(long netns, int localPort) {
        List<Conn> found = open(netns, localPort);
        assertEquals(1, found.size(), () -> "one open connection on port " + localPort + ": " + found);
        return found.get(0);
    }

    static Conn closedOne(long netns, int localPort, int remotePort) {
        Await.until(WAIT, "closed connection on port " + localPort,
                () -> { Recorder.snapshot(backend); return !recorder.closed(c -> c.netns() == netns && c.localPort() == localPort
                        && c.remotePort() == remotePort).isEmpty(); });
        List<Conn> found = recorder.closed(c -> c.netns() == netns && c.localPort() == localPort && c.remotePort() == remotePort);
        assertEquals(1, found.size(), () -> "closed exactly once: " + found);
        return found.get(0);
    }
}
