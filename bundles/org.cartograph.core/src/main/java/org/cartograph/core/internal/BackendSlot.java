package org.cartograph.core.internal;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

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
 *
 * <p>The buffer and the engine exist only while the backend is open: they are created just
 * before it opens and released when it fails to open, goes on standby or closes for good, so a
 * backend that never ran or waits on standby holds no memory for them. Their counters carry
 * over from one buffer and engine to the next.
 */
final class BackendSlot {

    private static final Logger LOG = LoggerFactory.getLogger(BackendSlot.class);

    private final CaptureBackend backend;
    private final CaptureSettings settings;
    private final int expireAfterIntervals;
    private final AtomicLong filtered = new AtomicLong();
    private final AtomicLong closedDropped = new AtomicLong();
    /** Guarded by this; null while the backend is not open. */
    private ClosedRing closed;
    /** Written under this; null while the backend is not open. Read without the lock by status. */
    private volatile DeltaEngine engine;
    /** Written under this: refused, expired and reset counts of the engines released so far. */
    private final AtomicLongArray released = new AtomicLongArray(3);
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
        this.expireAfterIntervals = expireAfterIntervals;
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
            release();
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
        closed = new ClosedRing(settings.closedChannelSize(), closedDropped);
        engine = new DeltaEngine(settings.maxTrackedConnections(), expireAfterIntervals);
        try {
            backend.open(new Context(clock, closed));
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
            release();
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
        release();
        LOG.info("capture backend {} stopped", backend.name());
    }

    /** Drops the buffer (with what it still holds) and the engine, keeping their counters. */
    private void release() {
        if (engine != null) {
            released.addAndGet(0, engine.refusedFull());
            released.addAndGet(1, engine.expired());
            released.addAndGet(2, engine.resets());
        }
        engine = null;
        closed = null;
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
        return closedDropped.get();
    }

    /**
     * @return connections tracked, refused because the engine was full, expired, counter resets,
     *         filtered out, and the bytes the engine holds: zero tracked and zero bytes while no
     *         engine exists, the other counts summed over every engine this slot has had. Does not
     *         take the lock, so status never waits for an interval (which may wait for a sink).
     */
    long[] engineCounters() {
        DeltaEngine e = engine;
        return new long[] {e == null ? 0 : e.size(), released.get(0) + (e == null ? 0 : e.refusedFull()),
                released.get(1) + (e == null ? 0 : e.expired()), released.get(2) + (e == null ? 0 : e.resets()),
                filtered.get(), e == null ? 0 : e.memoryBytes()};
    }

    /** @return whether a closed-connection buffer and a delta engine exist now (while open) */
    synchronized boolean holdsState() {
        return engine != null || closed != null;
    }

    private final class Context implements CaptureContext {
        private final Clock clock;
        private final ClosedRing buffer;

        Context(Clock clock, ClosedRing buffer) {
            this.clock = clock;
            this.buffer = buffer;
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
            return buffer;
        }
    }
}
