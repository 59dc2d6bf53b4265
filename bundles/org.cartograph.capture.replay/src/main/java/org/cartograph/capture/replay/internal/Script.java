package org.cartograph.capture.replay.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated replay script. Immutable.
 *
 * @param file    where it was read from
 * @param steps   one step per snapshot
 * @param repeat  whether to start over after the last step
 * @param maxima  per entry group ({@link ScriptEntry#group()}), the largest value of each counter
 *                anywhere in the script: the offset unit of each repetition
 */
record Script(Path file, List<Step> steps, boolean repeat, Map<String, Counters> maxima) {

    /** The stride between the cookies of two repetitions of the same entry. */
    static final long COOKIE_STRIDE = 1_000_000L;

    /**
     * One interval of the script.
     *
     * @param open  connections open at this snapshot, with cumulative counters
     * @param close connections closed since the previous snapshot, with final counters
     */
    record Step(List<ScriptEntry> open, List<ScriptEntry> close) {
    }

    /**
     * @param entry an entry of this script
     * @return the largest counters of the entry's group; never null
     */
    Counters maxFor(ScriptEntry entry) {
        return maxima.getOrDefault(entry.group(), Counters.ZERO);
    }
}
