package org.cartograph.metadata.tagger.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The namespace table and its learning from a fake /proc. */
class NetnsContainersTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);
    private static final long HOST = 4026531840L;

    @TempDir
    Path proc;

    private void process(int pid, long netns, String cgroup) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(pid + "/ns"));
        Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[" + netns + "]"));
        Files.writeString(proc.resolve(pid + "/cgroup"), cgroup);
    }

    @Test
    void tableFindsEveryKeyAndNothingElse() {
        Map<Long, String[]> entries = new HashMap<>();
        for (long ns = 4026532000L; ns < 4026532000L + 1000; ns++) {
            entries.put(ns, new String[] {Long.toString(ns)});
        }
        entries.put(7L, new String[0]);
        NetnsTable t = new NetnsTable(entries);
        assertEquals(1001, t.size());
        for (long ns = 4026532000L; ns < 4026532000L + 1000; ns++) {
            assertArrayEquals(new String[] {Long.toString(ns)}, t.get(ns));
        }
        assertSame(NetnsTable.NONE, t.get(7L));
        assertNull(t.get(4026531999L));
        assertNull(t.get(0));
        assertNull(NetnsTable.EMPTY.get(42));
    }

    @Test
    void learnsContainersPerNamespaceSkippingTheHostsAndHostProcesses() throws Exception {
        process(1, HOST, "0::/init.scope\n");
        process(100, HOST, "0::/system.slice/libpod-" + C + ".scope\n");
        process(200, 4026532200L, "0::/machine.slice/libpod-" + A + ".scope\n");
        process(201, 4026532200L, "12:pids:/docker/" + A + "\n0::/\n");
        process(300, 4026532300L, "0::/kubepods/pod1/cri-containerd-" + A + ".scope\n");
        process(301, 4026532300L, "0::/kubepods/pod1/cri-containerd-" + B + ".scope\n");
        process(400, 4026532400L, "0::/user.slice\n");
        Files.createDirectories(proc.resolve("self"));
        NetnsContainers n = new NetnsContainers(proc, 100, 60_000, 0);
        assertNull(n.lookup(4026532200L), "nothing known before the first scan");
        n.scan();
        assertArrayEquals(new String[] {A}, n.lookup(4026532200L));
        assertArrayEquals(new String[] {A, B}, n.lookup(4026532300L), "a pod: two containers share a namespace");
        assertSame(NetnsTable.NONE, n.lookup(4026532400L), "a namespace without containers");
        assertSame(NetnsTable.NONE, n.lookup(HOST), "a host-network container says nothing about the host's namespace");
        assertEquals(3, n.size());
        assertEquals(1, n.scanCount());
    }

    @Test
    void anUnknownNamespaceAsksForOneRescanAndIsThenRemembered() throws Exception {
        process(1, HOST, "0::/init.scope\n");
        NetnsContainers n = new NetnsContainers(proc, 100, 60_000, 0);
        n.scanIfDue();
        assertEquals(1, n.scanCount(), "the first call scans");
        n.scanIfDue();
        assertEquals(1, n.scanCount(), "nothing asked for a rescan");
        process(500, 4026532500L, "0::/docker/" + B + "\n");
        assertNull(n.lookup(4026532500L));
        n.scanIfDue();
        assertEquals(2, n.scanCount());
        assertArrayEquals(new String[] {B}, n.lookup(4026532500L), "a new container's namespace, learned on demand");
        assertNull(n.lookup(4026532999L), "no process lives in it");
        n.scanIfDue();
        assertSame(NetnsTable.NONE, n.lookup(4026532999L));
        n.scanIfDue();
        assertEquals(3, n.scanCount(), "a namespace without processes asks once, not at every flow");
    }

    @Test
    void aFullTableCountsOverflowAndAMissingProcKeepsTheLastTable() throws Exception {
        process(1, HOST, "0::/init.scope\n");
        for (int i = 0; i < 20; i++) {
            process(1000 + i, 4026533000L + i, "0::/docker/" + A + "\n");
        }
        NetnsContainers n = new NetnsContainers(proc, 16, 60_000, 0);
        n.scan();
        assertEquals(16, n.size());
        assertEquals(4, n.overflowCount());
        NetnsContainers gone = new NetnsContainers(proc.resolve("missing"), 16, 60_000, 0);
        gone.scan();
        assertEquals(0, gone.size());
        assertEquals(0, gone.scanCount());
    }
}
