package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PendingTableTest {

    private static int insert(PendingTable t, int n) {
        return t.insert(0, 0xFFFF_0A00_0001L, 0, 0xFFFF_0A00_0035L, 40_000 + n % 20_000, n & 0xFFFF, n,
                "q" + n + ".example", 1);
    }

    private static int find(PendingTable t, int n) {
        return t.find(0, 0xFFFF_0A00_0001L, 0, 0xFFFF_0A00_0035L, 40_000 + n % 20_000, n & 0xFFFF);
    }

    @Test
    void startsSmallAndGrowsKeepingEveryQueryAndBothLists() {
        PendingTable t = new PendingTable(65_536);
        assertEquals(PendingTable.INITIAL_SLOTS, t.allocated(), "no preallocation up to the capacity");
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            assertTrue(insert(t, i) >= 0, "query " + i + " fits");
            if (i % 3 == 0) {
                t.answer(find(t, i), 1_000_000L + i);
            }
        }
        assertEquals(8_192, t.allocated(), "doubled as it filled");
        assertEquals(n, t.size());
        for (int i = 0; i < n; i++) {
            int slot = find(t, i);
            assertTrue(slot >= 0, "query " + i + " found after the growths");
            assertEquals("q" + i + ".example", t.domain(slot));
            assertEquals(i % 3 == 0, t.answered(slot));
        }
        assertEquals(n - (n + 2) / 3, t.waiting());
        assertEquals("q1.example", t.domain(t.oldestWaiting()), "waiting list in query order");
        assertEquals("q0.example", t.domain(t.oldestAnswered()), "answered list in answer order");
        for (int i = 0; i < n; i += 2) {
            t.remove(find(t, i));
        }
        assertEquals(n / 2, t.size());
        assertEquals(-1, find(t, 0));
        assertTrue(find(t, 1) >= 0);
    }

    @Test
    void neverGrowsBeyondItsCapacity() {
        PendingTable t = new PendingTable(1_500);
        for (int i = 0; i < 1_500; i++) {
            assertTrue(insert(t, i) >= 0);
        }
        assertEquals(1_500, t.allocated());
        assertEquals(-1, insert(t, 1_500), "full at the capacity");
        t.remove(find(t, 7));
        assertTrue(insert(t, 1_500) >= 0, "a freed slot is reused");
        assertEquals(1_500, t.allocated());
    }
}
