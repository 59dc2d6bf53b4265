package org.cartograph.capture.replay.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;
import org.cartograph.capture.ConnectionVisitor;

/**
 * Test doubles of the core's side of the capture SPI. Offers and visits are recorded in one
 * shared log, in the order they happen, together with the view instance each one got.
 */
final class Recorders implements ConnectionVisitor, ClosedConnectionBuffer, CaptureContext {

    /** Everything offered or visited, in order. */
    final List<Seen> log = new ArrayList<>();
    /** The view instance of each entry of {@link #log}. */
    final List<ConnectionView> instances = new ArrayList<>();

    private final int capacity;
    private int accepted;
    private long dropped;

    /** @param capacity how many closed connections the buffer accepts before refusing */
    Recorders(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void visit(ConnectionView connection) {
        log.add(Seen.of("open", connection));
        instances.add(connection);
    }

    @Override
    public boolean offer(ConnectionView closed) {
        if (accepted == capacity) {
            dropped++;
            return false;
        }
        accepted++;
        log.add(Seen.of("close", closed));
        instances.add(closed);
        return true;
    }

    @Override
    public long dropped() {
        return dropped;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public CaptureSettings settings() {
        return new CaptureSettings(65536, capacity, true, true, true, Duration.ofSeconds(10));
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public ClosedConnectionBuffer closedConnections() {
        return this;
    }

    /** @return the log, then clears it */
    List<Seen> take() {
        List<Seen> taken = List.copyOf(log);
        log.clear();
        return taken;
    }
}
