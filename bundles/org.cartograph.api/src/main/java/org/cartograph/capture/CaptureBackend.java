package org.cartograph.capture;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A source of connections: keeps per-connection cumulative counters (usually in the kernel) and
 * hands the core (a) every open connection's counters when asked and (b) every closed
 * connection, exactly once, through the context's {@link ClosedConnectionBuffer}.
 *
 * <p>A backend publishes itself as an OSGi service; the core picks it up, calls {@link #open},
 * then {@link #start}, then {@link #snapshot} once per interval, and {@link #stop} and
 * {@link #close} when either side goes away. {@code open}, {@code start}, {@code snapshot},
 * {@code stop} and {@code close} are called from one core thread at a time; {@link #status()}
 * and {@link #capabilities()} may be called from any thread at any time and must not block.
 * Opening twice or closing twice is harmless, and a closed backend may be opened again (the core
 * closes a backend it puts on standby, see {@link #group()}).
 */
@ConsumerType
public interface CaptureBackend {

    /** @return a short stable name, e.g. {@code ebpf}, {@code netlink}, {@code replay} */
    String name();

    /**
     * Backends of one group are alternatives for the same job (e.g. {@code linux}: eBPF, or a
     * netlink fallback where eBPF may not load): the core runs only the most preferred one that
     * opens, and keeps the others on standby. By default each backend is its own group.
     *
     * @return the group name
     */
    default String group() {
        return name();
    }

    /** @return rank within the group: higher is tried first */
    default int preference() {
        return 0;
    }

    /** @return what this backend can see on this host; never blocks */
    CaptureCapabilities capabilities();

    /**
     * Acquires what the backend needs (kernel programs, sockets, files) without yet capturing.
     *
     * @param context core-owned settings, clock and closed-connection buffer
     * @throws CaptureException if the backend cannot run here; the message says why
     *         (e.g. a missing capability), and the core reports it in status
     */
    void open(CaptureContext context) throws CaptureException;

    /**
     * Starts capturing; connections closed from now on go to the closed buffer.
     *
     * @throws CaptureException if capture cannot start
     */
    void start() throws CaptureException;

    /**
     * Visits the cumulative counters of every connection open right now. The view passed to the
     * visitor is reused between calls and valid only during each call; no object is created per
     * connection. Called on the core's pipeline thread; must not block for long.
     *
     * @param visitor receives each open connection
     * @throws CaptureException if the connections cannot be read this time
     */
    void snapshot(ConnectionVisitor visitor) throws CaptureException;

    /** Stops capturing; connections closed after this are not reported. Never throws. */
    void stop();

    /** Releases everything {@link #open} acquired: nothing of the backend stays behind. Never throws. */
    void close();

    /** @return what runs, what cannot be seen and what was dropped; never blocks */
    CaptureStatus status();
}
