package org.cartograph.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.cartograph.capture.CaptureStatus;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;

/** Turns a backend's own status and the core's counters for it into a {@link ComponentStatus}. */
final class CaptureStatusView {

    private CaptureStatusView() {
    }

    static ComponentStatus of(BackendSlot slot) {
        CaptureStatus cs;
        try {
            cs = slot.backendStatus();
        } catch (RuntimeException e) {
            cs = new CaptureStatus(slot.backend().name(), "unknown", false, null, null, "status failed: " + e);
        }
        long[] engine = slot.engineCounters();
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("tracked", engine[0]);
        counters.put("dropped_tracker_full", engine[1]);
        counters.put("expired", engine[2]);
        counters.put("counter_resets", engine[3]);
        counters.put("filtered", engine[4]);
        counters.put("tracker_memory_bytes", engine[5]);
        counters.put("dropped_closed_buffer_full", slot.closedDropped());
        cs.dropsByCause().forEach((cause, n) -> counters.put("dropped_" + cause, n));
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("variant", cs.variant());
        attrs.put("running", String.valueOf(slot.running()));
        attrs.put("group", slot.group());
        attrs.put("preference", String.valueOf(slot.preference()));
        if (!cs.cannotSee().isEmpty()) {
            attrs.put("cannot_see", String.join("; ", cs.cannotSee()));
        }
        String error = slot.error();
        Health health;
        if (slot.standby()) {
            health = Health.OK;
            attrs.put("standby", "true");
        } else if (!slot.running()) {
            health = Health.DOWN;
        } else if (!error.isEmpty() || !cs.cannotSee().isEmpty() || engine[1] > 0 || slot.closedDropped() > 0
                || cs.dropsByCause().values().stream().anyMatch(n -> n > 0)) {
            health = Health.DEGRADED;
        } else {
            health = Health.OK;
        }
        String message = slot.standby() ? "on standby: a preferred backend of group " + slot.group() + " runs"
                : !error.isEmpty() ? error : cs.message();
        return new ComponentStatus("capture." + cs.backend(), health, message, counters, attrs, null);
    }
}
