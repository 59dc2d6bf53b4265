package org.cartograph.capture.ebpf.internal.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/** The agent side's capture context: records every closed connection offered to it, in order. */
final class RecordingContext implements CaptureContext, ClosedConnectionBuffer {

    final List<WireConn> closed = new CopyOnWriteArrayList<>();

    @Override
    public CaptureSettings settings() {
        return new CaptureSettings(131_072, 100_000, true, true, true, Duration.ofSeconds(10));
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
        closed.add(WireConn.of(c));
        return true;
    }

    @Override
    public long dropped() {
        return 0;
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
    }
}
