package org.cartograph.capture.ebpf.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/** A capture context that records closed connections, and snapshot helpers. */
final class Recorder implements CaptureContext, ClosedConnectionBuffer {

    final List<Conn> closed = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final CaptureSettings settings;

    Recorder(CaptureSettings settings) {
        this.settings = settings;
    }

    Recorder() {
        this(new CaptureSettings(131_072, 100_000, true, true, true, Duration.ofSeconds(10)));
    }

    @Override
    public CaptureSettings settings() {
        return settings;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public ClosedConnectionBuffer closedConnections() {
        return this;
    }

    @Override
    public boolean offer(ConnectionView c) {
        closed.add(Conn.of(c));
        return true;
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
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
