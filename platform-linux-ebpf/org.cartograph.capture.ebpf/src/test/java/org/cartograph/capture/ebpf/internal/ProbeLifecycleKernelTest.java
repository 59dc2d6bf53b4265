package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.cartograph.capture.CaptureException;
import org.cartograph.capture.ebpf.internal.probe.AgentConfig;
import org.cartograph.capture.ebpf.internal.probe.ProbeBackend;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.Test;

/**
 * The probe process's life against the real kernel: a second probe on the same socket is refused
 * before it loads anything; TERM detaches every program and removes the socket; the agent's probe
 * backend reports the loss, reconnects to a new probe at the next snapshot and finds the
 * connections that were open meanwhile as pre-existing, with the kernel's counters.
 */
class ProbeLifecycleKernelTest {

    @Test
    void termLeavesNothingBehindAndTheAgentReconnectsToTheNextProbe() throws Exception {
        Path socket = Files.createTempDirectory("cartograph-probe").resolve("probe.sock");
        try (TestHosts hosts = TestHosts.create(); ProbeProcess first = ProbeProcess.start(socket)) {
            Peer peer = new Peer(hosts);
            long netnsA = TestHosts.inode(hosts.a());
            peer.spawn(hosts.b(), "server", "tcp", "4", "5201").await("LISTENING");
            Path gate = peer.gate("probe-restart");
            Peer.Run client = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5201", "7008", "9000", gate.toString());
            int lport = Integer.parseInt(client.await("READY")[0]);

            Recorder recorder = new Recorder();
            ProbeBackend backend = new ProbeBackend(new AgentConfig(socket.toString(), 10_000));
            backend.open(recorder);
            backend.start();
            try {
                Conn before = Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport).get(0);
                assertEquals(7008, before.bytesSent());

                try (ProbeProcess second = ProbeProcess.attempt(socket)) {
                    assertEquals(1, second.process.waitFor(), second.log());
                    assertTrue(second.log().contains("another probe listens on " + socket), second.log());
                }
                long probePid = first.process.pid();
                assertEquals(143, first.stop(), "TERM: the shutdown hook ran and the JVM exited");
                assertFalse(Files.exists(socket), "the probe removes its socket");
                assertFalse(ProcessHandle.of(probePid).isPresent());
                Await.until(Duration.ofSeconds(20), "no carto_* program left that no process holds",
                        () -> LifecycleKernelTest.orphans().isEmpty());

                CaptureException lost = assertThrows(CaptureException.class, () -> backend.snapshot(c -> { }));
                assertTrue(lost.getMessage().contains(socket.toString()), lost.getMessage());
                assertFalse(backend.status().running());

                try (ProbeProcess next = ProbeProcess.start(socket)) {
                    List<Conn> found = Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport);
                    assertEquals(1, found.size(), () -> "after reconnecting: " + found);
                    Conn after = found.get(0);
                    Ss ss = Ss.of(hosts, hosts.a(), lport);
                    assertTrue(after.preexisting(), "found by the new probe's walk of open sockets");
                    assertEquals(before.cookie(), after.cookie(), "the same socket");
                    assertEquals(ss.bytesAcked(), after.bytesSent(), "pre-existing: the kernel's bytes_acked");
                    assertEquals(9000, after.bytesReceived());
                    assertTrue(backend.status().running());
                    assertTrue(backend.status().message().contains("reconnected 1 times"), backend.status().message());

                    Peer.open(gate);
                    client.await("CLOSED");
                    Await.until(Duration.ofSeconds(30), "the connection's close through the new probe", () -> {
                        Recorder.snapshot(backend);
                        return !recorder.closed(c -> c.netns() == netnsA && c.localPort() == lport).isEmpty();
                    });
                    List<Conn> closed = recorder.closed(c -> c.netns() == netnsA && c.localPort() == lport);
                    assertEquals(1, closed.size(), () -> "closed once: " + closed);
                    assertEquals(before.cookie(), closed.get(0).cookie());
                    assertEquals(143, next.stop());
                }
            } finally {
                backend.close();
            }
            Await.until(Duration.ofSeconds(20), "no carto_* program left that no process holds",
                    () -> LifecycleKernelTest.orphans().isEmpty());
        }
    }
}
