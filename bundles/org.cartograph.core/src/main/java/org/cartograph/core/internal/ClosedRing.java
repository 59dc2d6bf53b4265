package org.cartograph.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/**
 * The bounded buffer a backend's closed connections wait in until the next interval. A slot's
 * {@link MutableConnection} is created the first time the slot is used and reused after that,
 * and an empty buffer starts over at slot 0: memory follows the most closed connections ever
 * buffered at once (plus one reference per slot), not the capacity, and offering allocates
 * nothing once the buffer has reached that peak. Any thread may offer; the pipeline thread
 * drains. A full buffer refuses and counts.
 */
final class ClosedRing implements ClosedConnectionBuffer {

    private final MutableConnection[] slots;
    private final AtomicLong dropped;
    private final Object lock = new Object();
    private final MutableConnection reading = new MutableConnection();
    /** Guarded by {@link #lock}. */
    private int head;
    /** Guarded by {@link #lock}. */
    private int count;

    /**
     * @param capacity connections buffered at most
     * @param dropped  counts refused connections; may outlive this buffer and be shared by the
     *                 buffers that replace it
     */
    ClosedRing(int capacity, AtomicLong dropped) {
        if (capacity < 1) {
            throw new IllegalArgumentException("closed buffer capacity must be positive: " + capacity);
        }
        this.slots = new MutableConnection[capacity];
        this.dropped = dropped;
    }

    @Override
    public boolean offer(ConnectionView closed) {
        synchronized (lock) {
            if (count == slots.length) {
                dropped.incrementAndGet();
                return false;
            }
            if (count == 0) {
                head = 0;
            }
            int i = (head + count) % slots.length;
            MutableConnection slot = slots[i];
            if (slot == null) {
                slot = new MutableConnection();
                slots[i] = slot;
            }
            slot.copyOf(closed);
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

    /** @return slots that hold a connection object, used at least once */
    int allocated() {
        synchronized (lock) {
            int n = 0;
            for (MutableConnection m : slots) {
                n += m == null ? 0 : 1;
            }
            return n;
        }
    }

    /** @return connections waiting now */
    int pending() {
        synchronized (lock) {
            return count;
        }
    }
}
