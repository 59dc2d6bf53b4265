package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.Test;

/** The namespace scan against the real /proc and /var/run/netns. */
class NamespaceScannerTest {

    @Test
    void findsTheOwnNamedAndProcessNamespaces() throws Exception {
        Process unnamed = new ProcessBuilder("unshare", "--net", "sleep", "60").start();
        try (TestHosts hosts = TestHosts.create()) {
            NamespaceScanner scanner = new NamespaceScanner(Path.of("/proc"), Path.of("/var/run/netns"), true);
            long own = NamespaceScanner.inode(Path.of("/proc/self/ns/net"));
            Path unnamedNs = Path.of("/proc", Long.toString(unnamed.pid()), "ns", "net");
            Await.until(Duration.ofSeconds(10), "the unshared process has its own namespace",
                    () -> NamespaceScanner.inode(unnamedNs) != own && NamespaceScanner.inode(unnamedNs) != 0);
            Map<Long, Path> all = scanner.scan();
            assertEquals(own, all.keySet().iterator().next(), "own namespace first");
            assertNull(all.get(own));
            assertEquals(Path.of("/var/run/netns", hosts.a()), all.get(TestHosts.inode(hosts.a())));
            assertTrue(all.containsKey(TestHosts.inode(hosts.b())));
            assertTrue(all.containsKey(NamespaceScanner.inode(unnamedNs)), "process namespaces are found: " + all);

            Map<Long, Path> ownOnly = new NamespaceScanner(Path.of("/proc"), Path.of("/var/run/netns"), false).scan();
            assertEquals(Map.of(own, Path.of("")), Map.of(ownOnly.keySet().iterator().next(), Path.of("")));
            assertEquals(1, ownOnly.size());
        } finally {
            unnamed.destroyForcibly();
            unnamed.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
