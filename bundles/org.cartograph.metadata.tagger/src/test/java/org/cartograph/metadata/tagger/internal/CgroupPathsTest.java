package org.cartograph.metadata.tagger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CgroupPathsTest {

    private static final String ID = "0123456789abcdef".repeat(4);

    @Test
    void findsTheIdInEveryRuntimesLayout() {
        assertEquals(ID, CgroupPaths.containerId("12:pids:/docker/" + ID + "\n"));
        assertEquals(ID, CgroupPaths.containerId("0::/system.slice/docker-" + ID + ".scope\n"));
        assertEquals(ID, CgroupPaths.containerId(
                "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_5e6f.slice/cri-containerd-"
                        + ID + ".scope\n"));
        assertEquals(ID, CgroupPaths.containerId("11:memory:/kubepods/besteffort/pod1a2b/crio-" + ID + ".scope"));
        assertEquals(ID, CgroupPaths.containerId("9:name=systemd:/libpod_parent/libpod-" + ID + "\n"));
        assertEquals(ID, CgroupPaths.containerId("1:cpu:/ecs/5f1d0bd5b6b7431e97d4ad3b4a8d8a0b/" + ID + "\n"));
    }

    @Test
    void prefersTheDeepestIdAndTheUnifiedHierarchy() {
        String outer = "f".repeat(64);
        assertEquals(ID, CgroupPaths.containerId("4:pids:/docker/" + outer + "/docker/" + ID));
        assertEquals(ID, CgroupPaths.containerId("4:pids:/docker/" + outer + "\n0::/docker/" + ID + "\n"));
    }

    @Test
    void hostProcessesAndNearMissesHaveNone() {
        assertNull(CgroupPaths.containerId("0::/user.slice/user-0.slice/session-3.scope\n1:cpu:/\n"));
        assertNull(CgroupPaths.containerId("0::/docker/" + ID + "0\n"));
        assertNull(CgroupPaths.containerId("0::/docker/" + ID.substring(1) + "\n"));
        assertNull(CgroupPaths.containerId("0::/docker/" + ID.toUpperCase() + "\n"));
        assertNull(CgroupPaths.containerId(""));
        assertNull(CgroupPaths.containerId("garbage without colons " + ID));
    }
}
