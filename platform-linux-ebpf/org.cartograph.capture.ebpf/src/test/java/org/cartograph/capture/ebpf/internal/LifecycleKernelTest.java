package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.cartograph.testkit.Await;
import org.cartograph.testkit.Cmd;
import org.cartograph.testkit.TestHosts;
import org.junit.jupiter.api.Test;

/**
 * Loading, pre-existing connections and unloading against the real kernel: nothing of ours stays
 * behind, and a restart does not report old connections twice. "Ours" is what this process holds
 * (its file descriptors' {@code /proc/self/fdinfo}), so another process running the same programs at
 * the same time (a benchmark, the agent) does not count; a carto_* program that no process holds at
 * all is a leak and counts too.
 */
class LifecycleKernelTest {

    /** Ids and names of the loaded programs named carto_* (names are cut to 15 characters by the kernel). */
    static Map<Long, String> cartoPrograms() {
        String json = Cmd.ok("bpftool", "prog", "list", "-j").stdout();
        Matcher m = Pattern.compile("\\{\"id\":(\\d+),\"type\":\"[a-z_]+\",\"name\":\"(carto_[a-z0-9_]*)\"").matcher(json);
        Map<Long, String> ids = new TreeMap<>();
        while (m.find()) {
            ids.put(Long.parseLong(m.group(1)), m.group(2));
        }
        return ids;
    }

    /** One BPF file descriptor: the program it runs and whether it is a link. */
    record BpfFd(long progId, boolean link) {
    }

    /** @return the BPF program and link descriptors the process holds */
    static List<BpfFd> bpfFds(Path proc) {
        List<BpfFd> out = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fdinfo"))) {
            for (Path fd : fds) {
                long prog = -1;
                boolean link = false;
                for (String line : Files.readAllLines(fd)) {
                    if (line.startsWith("prog_id:")) {
                        prog = Long.parseLong(line.substring(8).strip());
                    } else if (line.startsWith("link_id:")) {
                        link = true;
                    }
                }
                if (prog >= 0) {
                    out.add(new BpfFd(prog, link));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return out; // the process or the descriptor went away meanwhile
        }
        return out;
    }

    /** @return names of the carto_* programs this process holds */
    private static List<String> ourPrograms() {
        Map<Long, String> carto = cartoPrograms();
        return bpfFds(Path.of("/proc/self")).stream().filter(f -> !f.link()).map(f -> carto.get(f.progId()))
                .filter(n -> n != null).distinct().sorted().toList();
    }

    /** @return program names of the links this process holds that run one of our programs */
    private static List<String> ourLinks() {
        Map<Long, String> carto = cartoPrograms();
        return bpfFds(Path.of("/proc/self")).stream().filter(BpfFd::link).map(f -> carto.get(f.progId()))
                .filter(n -> n != null).sorted().toList();
    }

    /** @return carto_* programs that no process holds (a pinned or otherwise leaked program) */
    static List<String> orphans() {
        Map<Long, String> carto = new TreeMap<>(cartoPrograms());
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(p -> bpfFds(p).forEach(f -> carto.remove(f.progId())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(carto.values());
    }

    /** Links go at once; the kernel frees their programs after an RCU grace period, so this polls. */
    private static void assertNothingLeft() {
        Await.until(Duration.ofSeconds(20), "no carto_* program or link held by this process or by none",
                () -> ourPrograms().isEmpty() && ourLinks().isEmpty() && orphans().isEmpty());
        assertEquals(List.of(), ourPrograms(), "no program left");
        assertEquals(List.of(), ourLinks(), "no link left");
        assertEquals(List.of(), orphans(), "no program left that nothing holds");
    }

    @Test
    void preexistingConnectionsAreFoundAndCloseLeavesNothingBehind() throws Exception {
        try (TestHosts hosts = TestHosts.create()) {
            Peer peer = new Peer(hosts);
            long netnsA = TestHosts.inode(hosts.a());
            peer.spawn(hosts.b(), "server", "tcp", "4", "5101").await("LISTENING");
            Path gate = peer.gate("pre");
            Peer.Run client = peer.spawn(hosts.a(), "client", "tcp", hosts.ipB(), "5101", "7008", "9000", gate.toString());
            int lport = Integer.parseInt(client.await("READY")[0]);

            Recorder recorder = new Recorder();
            EbpfBackend backend = new EbpfBackend(TestConfig.defaults());
            backend.open(recorder);
            try {
                assertTrue(ourPrograms().contains("carto_send_btf") || ourLinks().contains("carto_send_btf"),
                        "loaded: " + ourPrograms() + ", linked: " + ourLinks());
                assertEquals(8, ourLinks().size(), "tp_btf x3 + cgroup sock_release + 4 sock_addr UDP hook links: "
                        + ourLinks());
                backend.start();
                Conn pre = Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport).get(0);
                Ss ss = Ss.of(hosts, hosts.a(), lport);
                assertTrue(pre.preexisting());
                assertEquals(ss.bytesAcked(), pre.bytesSent(), "pre-existing: the kernel's bytes_acked (SYN included)");
                assertEquals(ss.bytesReceived(), pre.bytesReceived());
                assertEquals(9000, pre.bytesReceived());
                assertEquals(1, pre.tcpEstablished());

                Peer.open(gate);
                client.await("CLOSED");
                Await.until(Duration.ofSeconds(30), "pre-existing connection closed", () -> {
                    Recorder.snapshot(backend);
                    return !recorder.closed(c -> c.netns() == netnsA && c.localPort() == lport).isEmpty();
                });
                Conn closed = recorder.closed(c -> c.netns() == netnsA && c.localPort() == lport).get(0);
                assertTrue(closed.preexisting());
                assertEquals(pre.cookie(), closed.cookie());
            } finally {
                backend.close();
            }
            assertNothingLeft();
            assertFalse(backend.status().running());

            backend.open(recorder);
            backend.start();
            assertTrue(Recorder.snapshot(backend, c -> c.netns() == netnsA && c.localPort() == lport).isEmpty(),
                    "reopened: the closed connection is not reported again");
            backend.close();
            assertNothingLeft();
        }
    }
}
