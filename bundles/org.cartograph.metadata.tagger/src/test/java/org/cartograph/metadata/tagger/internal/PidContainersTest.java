package org.cartograph.metadata.tagger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidContainersTest {

    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @TempDir
    Path proc;

    private void cgroup(int pid, String text) throws Exception {
        Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(proc.resolve(pid + "/cgroup"), text);
    }

    @Test
    void lookupNeverReadsAndTheResolverFillsTheCache() throws Exception {
        cgroup(10, "0::/docker/" + A + "\n");
        cgroup(11, "0::/user.slice\n");
        PidContainers pids = new PidContainers(proc, 100, 60_000);
        assertNull(pids.lookup(10), "unknown before the resolver ran");
        assertNull(pids.lookup(11));
        assertNull(pids.lookup(12), "no such process");
        assertEquals(0, pids.resolvedCount());
        pids.resolve(10);
        pids.resolve(11);
        pids.resolve(12);
        assertEquals(A, pids.lookup(10));
        assertEquals(PidContainers.HOST, pids.lookup(11));
        assertEquals(2, pids.size(), "the missing pid is forgotten");
    }

    @Test
    void refreshFollowsPidReuseAndForgetsExitedProcesses() throws Exception {
        cgroup(10, "0::/docker/" + A + "\n");
        cgroup(20, "0::/docker/" + A + "\n");
        PidContainers pids = new PidContainers(proc, 100, 60_000);
        pids.resolve(10);
        pids.resolve(20);
        cgroup(10, "0::/docker/" + B + "\n");
        Files.delete(proc.resolve("20/cgroup"));
        pids.refresh();
        assertEquals(B, pids.lookup(10));
        assertEquals(1, pids.size());
    }

    @Test
    void aFullCacheCountsOverflowInsteadOfGrowing() {
        PidContainers pids = new PidContainers(proc, 16, 60_000);
        for (int pid = 1; pid <= 40; pid++) {
            pids.lookup(pid);
        }
        assertEquals(16, pids.size());
        assertEquals(24, pids.overflowCount());
    }
}
