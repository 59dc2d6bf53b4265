package org.cartograph.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TestHostsTest {

    @Test
    void hostsReachEachOtherOverIpv4AndIpv6AndVanishOnClose() {
        String a;
        try (TestHosts h = TestHosts.create()) {
            a = h.a();
            assertEquals(0, h.exec(h.a(), "ping", "-c", "1", "-W", "2", h.ipB()).exitCode());
            assertEquals(0, h.exec(h.b(), "ping", "-6", "-c", "1", "-W", "2", h.ip6A()).exitCode());
            assertNotEquals(TestHosts.inode(h.a()), TestHosts.inode(h.b()));
        }
        assertFalse(Cmd.run(List.of("ip", "netns", "list")).stdout().contains(a), "namespace deleted");
        assertTrue(Cmd.run(List.of("ip", "link", "show")).stdout().lines().noneMatch(l -> l.contains("va" )
                && l.contains(a.substring(3))), "veth deleted");
    }
}
