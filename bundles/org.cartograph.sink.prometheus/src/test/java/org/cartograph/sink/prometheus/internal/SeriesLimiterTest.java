package org.cartograph.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SeriesLimiterTest {

    @Test
    void beyondTheLimitNewLabelSetsGoToOtherAndAreCounted() {
        SeriesLimiter<List<String>> limiter = new SeriesLimiter<>(2, 2, key -> key);
        assertEquals(List.of("a", "x"), limiter.admit(new String[] {"a", "x"}, 1));
        assertEquals(List.of("b", "x"), limiter.admit(new String[] {"b", "x"}, 1));
        assertEquals(List.of("other", "other"), limiter.admit(new String[] {"c", "x"}, 1));
        assertEquals(List.of("other", "other"), limiter.admit(new String[] {"d", "x"}, 1));
        assertEquals(List.of("a", "x"), limiter.admit(new String[] {"a", "x"}, 2), "admitted sets stay admitted");
        assertEquals(2, limiter.overflow());
        assertEquals(3, limiter.active(), "two admitted plus other");
    }

    @Test
    void theStateOfALabelSetIsMadeOnceAndTheCallersArrayIsCopied() {
        SeriesLimiter<Object> limiter = new SeriesLimiter<>(5, 1, key -> new Object());
        String[] values = {"a"};
        Object first = limiter.admit(values, 1);
        values[0] = "b";
        limiter.admit(values, 1);
        assertSame(first, limiter.admit(new String[] {"a"}, 1));
        assertEquals(2, limiter.active());
    }

    @Test
    void idleLabelSetsExpireAndFreeTheirSlot() {
        SeriesLimiter<List<String>> limiter = new SeriesLimiter<>(1, 1, key -> key);
        limiter.admit(new String[] {"a"}, 100);
        limiter.admit(new String[] {"b"}, 100);
        List<Map.Entry<List<String>, List<String>>> gone = limiter.expire(200);
        assertEquals(2, gone.size(), "a and other");
        assertEquals(List.of("b"), limiter.admit(new String[] {"b"}, 300), "b now fits");
        assertEquals(2, limiter.expired());
    }
}
