package org.cartograph.capture.netlink.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/** A capture context whose closed buffer keeps copies of everything offered. */
final class TestContext implements CaptureContext, ClosedConnectionBuffer {

    final List<Seen> closed = new CopyOnWriteArrayList<>();

    @Override
    public CaptureSettings settings() {
        return new CaptureSettings(100_000, 10_000, true, true, true, Duration.ofSeconds(10));
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
    public boolean offer(ConnectionView v) {
        closed.add(Seen.of(v));
        return true;
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public int capacity() {
        return 10_000;
    }
}
