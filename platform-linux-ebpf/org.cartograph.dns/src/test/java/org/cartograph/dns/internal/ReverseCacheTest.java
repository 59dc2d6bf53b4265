package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The reverse cache grows with use, keeps every address across growth and evicts only at capacity. */
class ReverseCacheTest {

    private static final long HOUR = 3_600_000_000_000L;

    @Test
    void startsSmallGrowsToCapacityAndKeepsEveryAddress() {
        ReverseCache cache = new ReverseCache(5_000, 0);
        assertEquals(ReverseCache.INITIAL_SLOTS, cache.allocated());
        for (int i = 0; i < 5_000; i++) {
            cache.put(0, i, "host" + i + ".example", 600, 0);
        }
        assertEquals(5_000, cache.allocated());
        assertEquals(5_000, cache.size());
        assertEquals(0, cache.evictions());
        for (int i = 0; i < 5_000; i++) {
            assertEquals(List.of("host" + i + ".example"), cache.lookup(0, i, 1), "address " + i);
        }
    }

    @Test
    void evictsTheLeastRecentlyUsedOnlyOnceFull() {
        ReverseCache cache = new ReverseCache(1_500, 0);
        for (int i = 0; i < 1_500; i++) {
            cache.put(1, i, "n" + i, 600, 0);
        }
        cache.lookup(1, 0, 1);
        cache.put(1, 10_000, "new", 600, 2);
        assertEquals(1_500, cache.allocated());
        assertEquals(1, cache.evictions());
        assertEquals(List.of("n0"), cache.lookup(1, 0, 3));
        assertEquals(List.of(), cache.lookup(1, 1, 3));
        assertEquals(List.of("new"), cache.lookup(1, 10_000, 3));
    }

    @Test
    void expiredAddressesFreeSlotsThatAreReusedWithoutGrowing() {
        ReverseCache cache = new ReverseCache(100_000, 0);
        for (int i = 0; i < 1_000; i++) {
            cache.put(2, i, "old" + i, 1, 0);
        }
        cache.expire(HOUR);
        assertEquals(0, cache.size());
        assertEquals(1_000, cache.expirations());
        for (int i = 0; i < 1_000; i++) {
            cache.put(3, i, "fresh" + i, 600, HOUR);
        }
        assertEquals(ReverseCache.INITIAL_SLOTS, cache.allocated());
        assertEquals(List.of("fresh999"), cache.lookup(3, 999, HOUR + 1));
    }
}
