package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cartograph.flow.DnsStats;
import org.cartograph.flow.IpAddress;
import org.cartograph.testkit.Await;
import org.cartograph.testkit.Cmd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container-like namespace (no name, only a process in it, found through /proc by the real
 * scanner) with unbound on its loopback: the monitor opens a socket inside it, counts each
 * loopback exchange once (the filter drops the outgoing copy of loopback packets), honours
 * collect_local_dns, and closes the socket when the namespace's last process exits.
 */
class ProcessNamespaceCaptureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    private static Process server;
    private static Path netns;
    private static DnsMonitorComponent monitor;

    @BeforeAll
    static void start() throws Exception {
        Path conf = Files.writeString(dir.resolve("unbound.conf"), String.join("\n",
                "server:", "  interface: 127.0.0.1", "  port: 53", "  do-daemonize: no", "  username: \"\"",
                "  chroot: \"\"", "  directory: \"" + dir + "\"", "  pidfile: \"\"", "  use-syslog: no",
                "  logfile: \"\"", "  module-config: \"iterator\"", "  local-zone: \".\" static",
                "  local-zone: \"box.test.\" static", "  local-data: \"db.box.test. 60 IN A 127.0.0.7\"",
                "remote-control:", "  control-enable: no", ""));
        server = new ProcessBuilder("unshare", "--net", "sh", "-c",
                "ip link set lo up && exec unbound -d -c " + conf).redirectErrorStream(true)
                .redirectOutput(dir.resolve("unbound.log").toFile()).start();
        netns = Path.of("/proc", Long.toString(server.pid()), "ns", "net");
        Await.until(WAIT, "unbound in the unnamed namespace answers", () -> dig("db.box.test").contains("NOERROR"));
        long own = NamespaceScanner.inode(Path.of("/proc/self/ns/net"));
        long target = NamespaceScanner.inode(netns);
        assertTrue(target != own && target != 0);
        NamespaceScanner real = new NamespaceScanner(Path.of("/proc"), Path.of("/var/run/netns"), true);
        TestConfig c = new TestConfig();
        c.local = true;
        monitor = new DnsMonitorComponent(c, () -> {
            Map<Long, Path> only = new LinkedHashMap<>();
            real.scan().forEach((ino, path) -> {
                if (ino == own || ino == target) {
                    only.put(ino, path);
                }
            });
            return only;
        });
        Await.until(WAIT, "sockets in the own and the process namespace", () -> counter("namespaces_watched") == 2);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (monitor != null) {
            monitor.deactivate();
        }
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static long counter(String name) {
        return monitor.status().get(0).counters().getOrDefault(name, -1L);
    }

    private static String dig(String name) {
        return Cmd.run(List.of("nsenter", "--net=" + netns, "dig", "@127.0.0.1", name, "A", "+tries=1", "+time=1"))
                .stdout();
    }

    @Test
    void loopbackExchangesInAProcessNamespaceCountOnceAndTheSocketGoesWithTheNamespace() throws Exception {
        assertTrue(monitor.status().get(0).attributes().get("namespaces").contains(netns.toString()),
                monitor.status().toString());
        for (int i = 0; i < 4; i++) {
            assertTrue(dig("db.box.test").contains("status: NOERROR"));
        }
        assertTrue(dig("gone.box.test").contains("status: NXDOMAIN"));
        Map<String, DnsStats> seen = new HashMap<>();
        Map<String, long[]> totals = new HashMap<>();
        Await.until(WAIT, "4 + 1 exchanges", () -> {
            for (DnsStats s : monitor.collect()) {
                seen.put(s.domain(), s);
                long[] t = totals.computeIfAbsent(s.domain(), k -> new long[2]);
                t[0] += s.queries();
                t[1] += s.rcodes().values().stream().mapToLong(Long::longValue).sum();
            }
            return totals.containsKey("db.box.test") && totals.get("db.box.test")[1] == 4
                    && totals.containsKey("gone.box.test") && totals.get("gone.box.test")[1] == 1;
        });
        assertEquals(4, totals.get("db.box.test")[0], "each loopback query once, not twice");
        assertEquals(1, totals.get("gone.box.test")[0]);
        assertEquals(IpAddress.parse("127.0.0.1"), seen.get("db.box.test").server());
        assertEquals(List.of("db.box.test"), monitor.namesOf(IpAddress.parse("127.0.0.7")));
        assertEquals(0L, counter("duplicate_queries"), "no second copy reached user space");

        server.destroyForcibly();
        server.waitFor(5, TimeUnit.SECONDS);
        Await.until(WAIT, "the socket of the vanished namespace is closed", () -> counter("namespaces_watched") == 1);
    }
}
