package org.cartograph.capture;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core-owned bounded buffer closed connections go to between two intervals. Thread-safe;
 * {@link #offer} copies the view, never blocks and never allocates per connection. The buffer
 * counts what it refuses and the core reports it as {@code dropped_closed_buffer_full}; a
 * backend need not count refused offers again in its {@link CaptureStatus#dropsByCause()}.
 */
@ProviderType
public interface ClosedConnectionBuffer {

    /**
     * @param closed the final counters of a connection that just closed; copied before return
     * @return false if the buffer was full and the connection was dropped (and counted)
     */
    boolean offer(ConnectionView closed);

    /** @return connections dropped because the buffer was full, since the core started */
    long dropped();

    /** @return the buffer's capacity */
    int capacity();
}
