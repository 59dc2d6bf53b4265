package org.cartograph.capture.ebpf.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.testkit.RecordingCapture;

/** A capture context that records closed connections, and snapshot helpers. */
final class Recorder extends RecordingCapture<Conn> {

    Recorder(CaptureSettings settings) {
        super(settings, Conn::of);
    }

    Recorder() {
        this(new CaptureSettings(131_072, 100_000, true, true, true, Duration.ofSeconds(10)));
    }

    List<Conn> closed(Predicate<Conn> filter) {
        return closed.stream().filter(filter).toList();
    }

    static List<Conn> snapshot(CaptureBackend backend) {
        List<Conn> all = new ArrayList<>();
        try {
            backend.snapshot(v -> all.add(Conn.of(v)));
        } catch (CaptureException e) {
            throw new AssertionError(e);
        }
        return all;
    }

    static List<Conn> snapshot(CaptureBackend backend, Predicate<Conn> filter) {
        return snapshot(backend).stream().filter(filter).toList();
    }
}
