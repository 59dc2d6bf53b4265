package org.cartograph.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/**
 * The bounded buffer a backend's closed connections wait in until the next interval. Slots are
 * preallocated {@link MutableConnection}s: offering copies fields, allocating nothing. Any thread
 * may offer; the pipeline thread drains. A full buffer refuses and counts.
 */
final class ClosedRing implements ClosedConnectionBuffer {

    private final MutableConnection[] slots;
    private final AtomicLong dropped = new AtomicLong();
    private final Object lock = new Object();
    private final MutableConnection reading = new MutableConnection();
    /** Guarded by {@link #lock}. */
    private int head;
    /** Guarded by {@link #lock}. */
    private int count;

    ClosedRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("closed buffer capacity must be positive: " + capacity);
        }
        slots = new MutableConnection[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = new MutableConnection();
        }
    }

    @Override
    public boolean offer(ConnectionView closed) {
        synchronized (lock) {
            if (count == slots.length) {
                dropped.incrementAndGet();
                return false;
            }
            slots[(head + count) % slots.length].copyOf(closed);
            count++;
            return true;
        }
    }

    /**
     * Hands every buffered connection to the consumer, oldest first, and empties the buffer.
     * The view passed is reused; read it during the call.
     *
     * @param consumer receives each closed connection
     * @return how many were drained
     */
    int drain(Consumer<ConnectionView> consumer) {
        int n = 0;
        while (true) {
            synchronized (lock) {
                if (count == 0) {
                    return n;
                }
                reading.copyOf(slots[head]);
                head = (head + 1) % slots.length;
                count--;
            }
            consumer.accept(reading);
            n++;
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public int capacity() {
        return slots.length;
    }

    /** @return connections waiting now */
    int pending() {
        synchronized (lock) {
            return count;
        }
    }
}
