package org.cartograph.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A change of health is reported once and moves {@code since}; a new message alone does neither. */
class HealthStateTest {

    @Test
    void onlyAHealthChangeIsReportedAndMovesSince() {
        HealthState state = new HealthState(Health.STARTING, "connecting");
        assertTrue(state.set(Health.DOWN, "refused"));
        Instant down = state.status("c", Map.of(), Map.of()).since();
        assertFalse(state.set(Health.DOWN, "refused again"), "same health, new message");
        ComponentStatus s = state.status("c", Map.of("n", 1L), Map.of("a", "b"));
        assertEquals(Health.DOWN, s.health());
        assertEquals("refused again", s.message());
        assertEquals(down, s.since(), "since stays with the health");
        assertEquals(Map.of("n", 1L), s.counters());
        assertTrue(state.set(Health.OK, "connected"));
        assertFalse(state.status("c", Map.of(), Map.of()).since().isBefore(down));
        assertEquals(Health.OK, state.health());
    }
}
