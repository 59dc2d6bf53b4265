package org.cartograph.capture;

import java.util.List;
import java.util.Map;

/**
 * The state of a backend as shown in {@code /status} and the console: a fallback is reported,
 * never hidden.
 *
 * @param backend       the backend's name
 * @param variant       what actually runs, e.g. {@code tp_btf+ringbuf} or {@code sock_diag polling}
 * @param running       whether it is capturing now
 * @param cannotSee     what this variant misses on this host, in words; unmodifiable
 * @param dropsByCause  events lost, by cause (e.g. {@code ringbuf_full}, {@code map_full}); unmodifiable
 * @param message       the last error or state change, empty if none
 */
public record CaptureStatus(String backend, String variant, boolean running, List<String> cannotSee,
                            Map<String, Long> dropsByCause, String message) {

    /** Copies collections. */
    public CaptureStatus {
        cannotSee = cannotSee == null ? List.of() : List.copyOf(cannotSee);
        dropsByCause = dropsByCause == null ? Map.of() : Map.copyOf(dropsByCause);
        message = message == null ? "" : message;
    }
}
