package org.cartograph.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.status.ComponentStatus;
import org.junit.jupiter.api.Test;

/** A slot holds a closed-connection buffer and a delta engine only while its backend is open. */
class BackendSlotTest {

    /** Reports connections {@code 0..open-1} and closes connection {@code open} once per snapshot. */
    static final class Backend implements CaptureBackend {
        final List<ClosedConnectionBuffer> buffers = new ArrayList<>();
        boolean refuse;
        int open = 3;
        long bytes;

        @Override public String name() { return "fake"; }
        @Override public CaptureCapabilities capabilities() { return new CaptureCapabilities(Set.of()); }
        @Override public void start() { }
        @Override public void stop() { }
        @Override public void close() { }

        @Override
        public void open(CaptureContext context) throws CaptureException {
            if (refuse) {
                throw new CaptureException("fake: refused");
            }
            buffers.add(context.closedConnections());
        }

        @Override
        public void snapshot(ConnectionVisitor visitor) {
            bytes += 100;
            for (int i = 0; i < open; i++) {
                visitor.visit(connection(i, bytes));
            }
            buffers.getLast().offer(connection(open, bytes));
            buffers.getLast().offer(connection(open + 1, bytes));
        }

        static MutableConnection connection(int i, long bytes) {
            MutableConnection c = new MutableConnection().tuple(Protocol.TCP, IpAddress.parse("10.0.0.1"), 40000 + i,
                    IpAddress.parse("10.0.0.2"), 80);
            c.cookie = i + 1;
            c.bytesSent = bytes;
            return c;
        }

        @Override
        public CaptureStatus status() {
            return new CaptureStatus("fake", "fake", true, List.of(), Map.of(), "");
        }
    }

    final Backend backend = new Backend();
    final BackendSlot slot = new BackendSlot(backend,
            new CaptureSettings(1000, 1, true, true, true, Duration.ofSeconds(10)), 2);
    final AtomicLong deltas = new AtomicLong();

    long counter(String name) {
        ComponentStatus s = CaptureStatusView.of(slot);
        return s.counters().get(name);
    }

    @Test
    void noEngineOrBufferBeforeOpenAfterAFailedOpenOnStandbyAndAfterShutdown() {
        assertFalse(slot.holdsState(), "a backend that never ran holds nothing");
        assertEquals(0, counter("tracker_memory_bytes"));

        backend.refuse = true;
        assertFalse(slot.ensureRunning(Clock.systemUTC()));
        assertFalse(slot.holdsState(), "a backend that failed to open holds nothing");

        backend.refuse = false;
        assertTrue(slot.ensureRunning(Clock.systemUTC()));
        assertTrue(slot.holdsState());
        slot.collect((c, d) -> deltas.incrementAndGet());
        slot.collect((c, d) -> deltas.incrementAndGet());
        assertEquals(3, counter("tracked"));
        assertTrue(counter("tracker_memory_bytes") > 0);
        assertEquals(2, counter("dropped_closed_buffer_full"), "a buffer of one refused each second close");

        slot.standBy();
        assertFalse(slot.holdsState(), "a backend on standby holds nothing");
        assertEquals(0, counter("tracked"));
        assertEquals(0, counter("tracker_memory_bytes"));
        assertEquals(2, counter("dropped_closed_buffer_full"), "counters outlive the released buffer");
        slot.collect((c, d) -> deltas.incrementAndGet());

        slot.activate();
        assertTrue(slot.ensureRunning(Clock.systemUTC()));
        assertNotSame(backend.buffers.getFirst(), backend.buffers.getLast(), "a fresh buffer on reopening");
        backend.open = 1200;
        slot.collect((c, d) -> deltas.incrementAndGet());
        assertEquals(1000, counter("tracked"));
        assertEquals(200, counter("dropped_tracker_full"));
        assertEquals(3, counter("dropped_closed_buffer_full"));

        slot.shutdown();
        assertFalse(slot.holdsState(), "a backend closed for good holds nothing");
        assertEquals(200, counter("dropped_tracker_full"), "refusals stay counted after the engine is gone");
        assertEquals(3, counter("dropped_closed_buffer_full"));
        assertEquals(0, counter("tracker_memory_bytes"));
        assertEquals(2 * (3 + 1) + 1000 + 1, deltas.get(), "collecting while on standby reports nothing");
    }

    @Test
    void closedBufferCreatesConnectionObjectsOnlyForThePeakAndReusesThem() {
        AtomicLong dropped = new AtomicLong();
        ClosedRing ring = new ClosedRing(50_000, dropped);
        assertEquals(0, ring.allocated());
        for (int round = 0; round < 100; round++) {
            for (int i = 0; i < 10; i++) {
                ring.offer(Backend.connection(i, round));
            }
            AtomicLong seen = new AtomicLong();
            assertEquals(10, ring.drain(c -> seen.addAndGet(c.localPort())));
            assertEquals(10 * 40000 + 45, seen.get());
        }
        assertEquals(10, ring.allocated(), "memory follows the peak, not the capacity or the total");
        assertEquals(50_000, ring.capacity());

        ClosedRing small = new ClosedRing(2, dropped);
        assertTrue(small.offer(Backend.connection(0, 1)));
        assertTrue(small.offer(Backend.connection(1, 1)));
        assertFalse(small.offer(Backend.connection(2, 1)));
        assertEquals(1, dropped.get());
        assertEquals(2, small.drain(c -> { }), "both buffered connections drain");
        assertEquals(2, small.allocated());
    }
}
