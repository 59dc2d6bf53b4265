package org.cartograph.core.internal;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;
import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.flow.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One capture backend as the pipeline holds it: its closed-connection buffer, its delta engine
 * and its life-cycle. Every method that touches the backend is synchronized, so the pipeline
 * thread's snapshot and a service unbind on another thread never overlap.
 */
final class BackendSlot {

    private static final Logger LOG = LoggerFactory.getLogger(BackendSlot.class);

    private final CaptureBackend backend;
    private final CaptureSettings settings;
    private final ClosedRing closed;
    private final DeltaEngine engine;
    private final AtomicLong filtered = new AtomicLong();
    /** Guarded by this. */
    private boolean running;
    /** Guarded by this. */
    private boolean closedForGood;
    private volatile String error = "";
    private volatile boolean standby;
    private final String group;
    private final int preference;

    BackendSlot(CaptureBackend backend, CaptureSettings settings, int expireAfterIntervals) {
        this.backend = backend;
        this.settings = settings;
        this.closed = new ClosedRing(settings.closedChannelSize());
        this.engine = new DeltaEngine(settings.maxTrackedConnections(), expireAfterIntervals);
        this.group = backend.group();
        this.preference = backend.preference();
    }

    String group() {
        return group;
    }

    int preference() {
        return preference;
    }

    /** @return whether a more preferred backend of the same group runs instead of this one */
    boolean standby() {
        return standby;
    }

    /**
     * Puts the backend on standby: a more preferred one of its group runs. Stops and closes it if
     * it was running; it may be opened again later.
     */
    synchronized void standBy() {
        if (standby) {
            return;
        }
        standby = true;
        if (running) {
            backend.stop();
            backend.close();
            running = false;
            LOG.info("capture backend {} on standby: a preferred backend of group {} runs", backend.name(), group);
        }
    }

    /** Takes the backend off standby; the next {@link #ensureRunning} opens it. */
    void activate() {
        standby = false;
    }

    /** Opens and starts the backend; a failure is kept for status and retried at the next interval. */
    synchronized boolean ensureRunning(Clock clock) {
        if (running || closedForGood) {
            return running;
        }
        try {
            backend.open(new Context(clock));
            backend.start();
            running = true;
            error = "";
            LOG.info("capture backend {} started", backend.name());
        } catch (CaptureException | RuntimeException e) {
            if (!e.getMessage().equals(error)) {
                LOG.error("capture backend {} cannot start: {}", backend.name(), e.getMessage());
            }
            error = String.valueOf(e.getMessage());
            backend.close();
        }
        return running;
    }

    /**
     * Takes one interval from this backend: open connections first, then those closed since.
     *
     * @param listener receives each delta
     */
    synchronized void collect(DeltaListener listener) {
        if (!running) {
            return;
        }
        engine.beginInterval();
        ConnectionVisitor visitor = c -> {
            if (wanted(c)) {
                engine.update(c, listener);
            }
        };
        try {
            backend.snapshot(visitor);
            error = "";
        } catch (CaptureException | RuntimeException e) {
            error = "snapshot failed: " + e.getMessage();
            LOG.warn("capture backend {}: {}", backend.name(), error);
        }
        closed.drain(c -> {
            if (wanted(c)) {
                engine.closed(c, listener);
            }
        });
        engine.endInterval();
    }

    private boolean wanted(ConnectionView c) {
        boolean ok = (c.protocol() == Protocol.TCP ? settings.collectTcp() : settings.collectUdp())
                && (settings.collectIpv6() || (c.localAddressHigh() == 0 && (c.localAddressLow() >>> 32) == 0xFFFFL));
        if (!ok) {
            filtered.incrementAndGet();
        }
        return ok;
    }

    /** Stops and closes the backend for good. */
    synchronized void shutdown() {
        closedForGood = true;
        if (running) {
            backend.stop();
            running = false;
        }
        backend.close();
        LOG.info("capture backend {} stopped", backend.name());
    }

    CaptureBackend backend() {
        return backend;
    }

    CaptureStatus backendStatus() {
        return backend.status();
    }

    String error() {
        return error;
    }

    boolean running() {
        return running;
    }

    long closedDropped() {
        return closed.dropped();
    }

    synchronized long[] engineCounters() {
        return new long[] {engine.size(), engine.refusedFull(), engine.expired(), engine.resets(), filtered.get()};
    }

    private final class Context implements CaptureContext {
        private final Clock clock;

        Context(Clock clock) {
            this.clock = clock;
        }

        @Override
        public CaptureSettings settings() {
            return settings;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public ClosedConnectionBuffer closedConnections() {
            return closed;
        }
    }
}
