package org.cartograph.testkit;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/**
 * A capture context for tests of capture backends: its closed-connection buffer keeps a copy of
 * every connection offered, in order, and never drops. Thread-safe.
 *
 * @param <T> the copy kept of each closed connection
 */
public class RecordingCapture<T> implements CaptureContext, ClosedConnectionBuffer {

    /** Copies of the closed connections offered, in order. */
    public final List<T> closed = new CopyOnWriteArrayList<>();
    private final CaptureSettings settings;
    private final Function<ConnectionView, T> copy;

    /**
     * @param settings what the backend is told to collect
     * @param copy turns the offered view (valid only during the call) into the copy kept
     */
    public RecordingCapture(CaptureSettings settings, Function<ConnectionView, T> copy) {
        this.settings = settings;
        this.copy = copy;
    }

    /**
     * @param copy turns the offered view into the copy kept
     * @return a context collecting TCP, UDP and IPv6 with room for 131,072 tracked connections
     */
    public static <T> RecordingCapture<T> collectingAll(Function<ConnectionView, T> copy) {
        return new RecordingCapture<>(new CaptureSettings(131_072, 100_000, true, true, true, Duration.ofSeconds(10)),
                copy);
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
    public boolean offer(ConnectionView view) {
        closed.add(copy.apply(view));
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
