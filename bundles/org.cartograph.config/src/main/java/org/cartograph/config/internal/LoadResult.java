package org.cartograph.config.internal;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The outcome of reading and checking the configuration: a plan, or the problems. Immutable.
 *
 * @param source   the file read, or {@code embedded defaults}
 * @param plan     what to write; empty if there are problems
 * @param problems every error found, in file order then environment order
 * @param warnings how many warnings were given
 */
record LoadResult(String source, Optional<ConfigPlan> plan, List<Problem> problems, int warnings) {

    /** Copies the list. */
    LoadResult {
        problems = List.copyOf(problems);
    }

    /** @return true if there are no problems (and so a plan) */
    boolean valid() {
        return problems.isEmpty();
    }

    /**
     * @return {@code invalid configuration: <first problem>}, then the others one per line;
     *         empty if valid
     */
    String message() {
        if (problems.isEmpty()) {
            return "";
        }
        String first = "invalid configuration: " + problems.getFirst();
        if (problems.size() == 1) {
            return first;
        }
        return first + problems.stream().skip(1).map(p -> "\n  " + p).collect(Collectors.joining());
    }
}
