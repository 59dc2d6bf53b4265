package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cartograph.capture.CaptureSettings;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.Test;

/** max_tracked_connections bounds the kernel map, and what does not fit is counted, never silent. */
class MapFullKernelTest {

    @Test
    void connectionsBeyondTheBoundAreCountedAsMapFull() throws Exception {
        try (TestHosts hosts = TestHosts.create()) {
            Peer peer = new Peer(hosts);
            int max = 8;
            Recorder recorder = new Recorder(new CaptureSettings(max, 1000, true, true, true, Duration.ofSeconds(1)));
            EbpfBackend backend = new EbpfBackend(new TestConfig("auto", 100, false));
            backend.open(recorder);
            try {
                backend.start();
                peer.spawn(hosts.b(), "server", "tcp", "4", "5501").await("LISTENING");
                Path gate = peer.gate("full");
                List<Peer.Run> clients = new ArrayList<>();
                for (int i = 0; i < 2 * max; i++) {
                    clients.add(peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5501", "108", "100", gate.toString()));
                }
                for (Peer.Run c : clients) {
                    c.await("READY");
                }
                int tracked = Recorder.snapshot(backend).size();
                assertTrue(tracked <= max, "at most " + max + " tracked, was " + tracked);
                Long full = backend.status().dropsByCause().get("map_full");
                assertTrue(full != null && full > 0, "map_full counted: " + backend.status().dropsByCause());
                Peer.open(gate);
                Await.until(Duration.ofSeconds(30), "clients closed", () -> clients.stream().allMatch(c -> c.output().contains("CLOSED")));
            } finally {
                backend.close();
            }
        }
    }
}
