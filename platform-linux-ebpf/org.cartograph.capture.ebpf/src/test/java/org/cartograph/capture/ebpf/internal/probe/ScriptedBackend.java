package org.cartograph.capture.ebpf.internal.probe;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionVisitor;

/**
 * The probe side's backend, scripted by the test: a fixed list of open connections, closed ones
 * offered to the probe's queue at the start of the next snapshot (as the eBPF backend's drain does
 * before it walks its map), and a failure to throw once.
 */
final class ScriptedBackend implements CaptureBackend {

    static final String VARIANT = "scripted+ring";
    static final String MESSAGE = "scripted backend running";
    static final List<String> CANNOT_SEE = List.of("the far side of the moon", "µs-resolution timings");
    static final Map<String, Long> DROPS = Map.of("ringbuf_full", 5_000_000_000L, "map_full", 3L);
    static final Set<CaptureFeature> FEATURES = Set.of(CaptureFeature.TCP, CaptureFeature.UDP, CaptureFeature.RTT,
            CaptureFeature.CLOSED_CONNECTIONS, CaptureFeature.PREEXISTING_CONNECTIONS);

    private final ClosedConnectionBuffer closed;
    private final ConcurrentLinkedQueue<WireConn> closeAtSnapshot = new ConcurrentLinkedQueue<>();
    final AtomicInteger snapshots = new AtomicInteger();
    volatile List<WireConn> open = List.of();
    volatile String failOnce;

    /** @param closed the probe's queue, where closed connections go */
    ScriptedBackend(ClosedConnectionBuffer closed) {
        this.closed = closed;
    }

    /** Queues connections to be offered as closed when the next snapshot starts. */
    void closeAtNextSnapshot(List<WireConn> connections) {
        closeAtSnapshot.addAll(connections);
    }

    /** Offers a closed connection now, from the calling thread. */
    boolean closeNow(WireConn c) {
        return closed.offer(c);
    }

    @Override
    public String name() {
        return "scripted";
    }

    @Override
    public CaptureCapabilities capabilities() {
        return new CaptureCapabilities(FEATURES);
    }

    @Override
    public void open(CaptureContext context) {
        // the probe server is handed a running backend
    }

    @Override
    public void start() {
        // the probe server is handed a running backend
    }

    @Override
    public void snapshot(ConnectionVisitor visitor) throws CaptureException {
        snapshots.incrementAndGet();
        for (WireConn c; (c = closeAtSnapshot.poll()) != null;) {
            closed.offer(c);
        }
        String failure = failOnce;
        if (failure != null) {
            failOnce = null;
            throw new CaptureException(failure);
        }
        for (WireConn c : open) {
            visitor.visit(c);
        }
    }

    @Override
    public void stop() {
        // nothing runs
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public CaptureStatus status() {
        return new CaptureStatus(name(), VARIANT, true, CANNOT_SEE, DROPS, MESSAGE);
    }
}
