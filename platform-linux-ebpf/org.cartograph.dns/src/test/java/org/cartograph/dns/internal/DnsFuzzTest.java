package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Random and mutated packets through the decoder, parser and engine: nothing escapes, memory stays bounded. */
class DnsFuzzTest {

    @Test
    void hundredThousandInputsThrowNothingAndStayBounded() {
        DnsFuzz.Result r = DnsFuzz.run(100_000, 42L);
        assertEquals(100_000, r.inputs());
        Map<String, Long> c = r.counters();
        assertEquals(100_000L, c.get("packets"));
        assertTrue(c.get("malformed") > 0, "mutations must hit the error paths: " + c);
        assertTrue(c.get("parsed") > 0, "some mutations stay valid: " + c);
        assertTrue(c.get("pending") <= DnsFuzz.MAX_PENDING, c.toString());
        assertTrue(c.get("stats_keys") <= DnsFuzz.MAX_STATS, c.toString());
        assertTrue(c.get("reverse_cache_size") <= DnsFuzz.REVERSE, c.toString());
    }
}
