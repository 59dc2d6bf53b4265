package org.cartograph.capture.ebpf.internal.probe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionView;

/**
 * The probe's closed-connection buffer: a fixed ring of encoded {@link WireRecord}s between the
 * backend's drain thread and the socket, sent a frame at a time (or what came within
 * {@link #SEND_MILLIS}). A connection closed while no agent is connected, or while
 * the ring is full, is dropped and counted. Thread-safe.
 */
final class ClosedQueue implements ClosedConnectionBuffer {

    /** The longest a closed connection waits in the probe for more to fill its frame. */
    static final long SEND_MILLIS = 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ByteBuffer ring;
    private final int capacity;
    private final WireRecord encoder = new WireRecord();
    private final AtomicLong full = new AtomicLong();
    private final AtomicLong noAgent = new AtomicLong();
    /** Guarded by lock. */
    private long head;
    /** Guarded by lock. */
    private long tail;
    private volatile boolean accepting;
    private volatile KnownCookies known = KnownCookies.NONE;

    /** @param capacity records the ring holds */
    ClosedQueue(int capacity) {
        this.capacity = capacity;
        this.ring = ByteBuffer.allocate(capacity * WireRecord.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Starts or stops taking records: only while an agent is connected.
     *
     * @param on whether an agent is connected
     * @return records dropped because the ring was cleared (the agent left before they were sent)
     */
    long accept(boolean on) {
        lock.lock();
        try {
            accepting = on;
            long cleared = tail - head;
            head = tail;
            noAgent.addAndGet(cleared);
            return cleared;
        } finally {
            lock.unlock();
        }
    }

    /** @param cookies connections the connected agent counts as pre-existing */
    void known(KnownCookies cookies) {
        known = cookies;
    }

    @Override
    public boolean offer(ConnectionView closed) {
        if (!accepting) {
            noAgent.incrementAndGet();
            return false;
        }
        lock.lock();
        try {
            if (tail - head == capacity) {
                full.incrementAndGet();
                return false;
            }
            int base = (int) (tail % capacity) * WireRecord.SIZE;
            ring.position(base);
            encoder.encode(closed, ring);
            if (known.contains(closed.cookie())) {
                WireRecord.markPreexisting(ring, base);
            }
            tail++;
            if (tail - head == Frames.RECORDS_PER_FRAME) {
                notEmpty.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a frame's worth of records is waiting or the time is up: the sender wakes once
     * per frame or per period, not once per connection.
     *
     * @return whether any record is waiting
     */
    boolean await(long millis) throws InterruptedException {
        lock.lock();
        try {
            if (tail - head < Frames.RECORDS_PER_FRAME) {
                notEmpty.await(millis, TimeUnit.MILLISECONDS);
            }
            return tail != head;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves up to {@link Frames#RECORDS_PER_FRAME} records into a record frame's payload: a count,
     * then the records.
     *
     * @param frame a frame buffer positioned after the header
     * @return records moved, 0 (and nothing written) if none was waiting
     */
    int drainTo(ByteBuffer frame) {
        lock.lock();
        try {
            int n = (int) Math.min(tail - head, Frames.RECORDS_PER_FRAME);
            if (n == 0) {
                return 0;
            }
            frame.putInt(n);
            for (int i = 0; i < n; i++, head++) {
                frame.put(frame.position(), ring, (int) (head % capacity) * WireRecord.SIZE, WireRecord.SIZE);
                frame.position(frame.position() + WireRecord.SIZE);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** @return records waiting to be sent */
    int pending() {
        lock.lock();
        try {
            return (int) (tail - head);
        } finally {
            lock.unlock();
        }
    }

    /** @return connections dropped because the ring was full */
    long fullDrops() {
        return full.get();
    }

    /** @return connections closed while no agent was connected */
    long noAgentDrops() {
        return noAgent.get();
    }

    @Override
    public long dropped() {
        return full.get() + noAgent.get();
    }

    @Override
    public int capacity() {
        return capacity;
    }
}
