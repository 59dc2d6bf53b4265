package org.cartograph.core.internal;

import org.cartograph.capture.ConnectionView;

/**
 * Turns cumulative connection counters into per-interval deltas for one consumer.
 *
 * <p>State lives in a {@link ConnectionTable}: dense entries of 8 longs keyed by a 128-bit
 * fingerprint of the full tuple, network namespace and socket cookie, and an index that grows with
 * the connections tracked, so memory follows use (about 70 bytes per connection) rather than
 * {@code maxEntries}. Updating a
 * known connection allocates nothing; the table allocates only when it grows or, after a peak,
 * compacts. Rules:
 * <ul>
 * <li>a connection seen for the first time reports everything it has counted so far;</li>
 * <li>a closed connection reports its final counters minus what was last reported, once, and
 *     leaves the table (a closed connection never seen open reports all of its counters);</li>
 * <li>counters that go backwards mean a new connection on the same tuple: its counters are
 *     reported whole, never as a negative number;</li>
 * <li>a reused tuple with a new socket cookie is a different key, so old and new never mix;</li>
 * <li>a connection missing from {@code expireAfterIntervals} snapshots in a row is evicted
 *     (counted); a full table refuses new connections (counted) rather than double-report them.</li>
 * </ul>
 * Not thread-safe: one consumer calls it from one thread.
 */
public final class DeltaEngine {

    private static final int BYTES_SENT = ConnectionTable.COUNTERS;
    private static final int BYTES_RECEIVED = ConnectionTable.COUNTERS + 1;
    private static final int PACKETS_SENT = ConnectionTable.COUNTERS + 2;
    private static final int PACKETS_RECEIVED = ConnectionTable.COUNTERS + 3;
    private static final int RETRANSMITS = ConnectionTable.COUNTERS + 4;
    private static final int META = ConnectionTable.META;
    /** Flags and generation share the key's long: bits 35 and 36, and 27 bits from 37 up. */
    private static final long ESTABLISHED = 1L << 35;
    private static final long FAILED = 1L << 36;
    private static final int GENERATION_SHIFT = 37;
    private static final int GENERATION_MASK = (1 << 27) - 1;
    /** Keeps the generation's wrap-around comparison exact. */
    private static final int MAX_EXPIRE = 1 << 25;
    private static final long KEEP = ConnectionTable.KEY_MASK | ConnectionTable.USED;

    private final int expireAfterIntervals;
    private final Delta delta = new Delta();
    private final ConnectionTable table;

    private int generation;
    private long refusedFull;
    private long expired;
    private long resets;

    /**
     * @param maxEntries           connections tracked at once, 1 to 2^24; memory grows up to it
     * @param expireAfterIntervals snapshots a connection may be missing from before it is evicted
     *                             (1 to 2^25)
     */
    public DeltaEngine(int maxEntries, int expireAfterIntervals) {
        this.table = new ConnectionTable(maxEntries);
        this.expireAfterIntervals = Math.clamp(expireAfterIntervals, 1, MAX_EXPIRE);
    }

    /** Starts a new interval: call once before the interval's updates and closes. */
    public void beginInterval() {
        generation++;
    }

    /**
     * Records an open connection's cumulative counters.
     *
     * @param c        the connection
     * @param listener receives the delta unless nothing changed
     */
    public void update(ConnectionView c, DeltaListener listener) {
        ConnectionTable t = table;
        long m = ConnectionTable.meta(c);
        int id = t.find(c, m);
        Delta d = delta;
        if (id < 0) {
            id = t.insertMissing(m);
            if (id < 0) {
                refusedFull++;
                return;
            }
            fillWhole(d, c);
            d.firstSeen = true;
        } else {
            fillDifference(d, c, t.chunk(id), ConnectionTable.base(id));
        }
        remember(t.chunk(id), ConnectionTable.base(id), c);
        d.closed = false;
        if (d.firstSeen || !d.isIdle()) {
            listener.onDelta(c, d);
        }
    }

    /**
     * Records a connection that closed, with its final cumulative counters; reports it once.
     *
     * @param c        the closed connection
     * @param listener receives the final delta
     */
    public void closed(ConnectionView c, DeltaListener listener) {
        ConnectionTable t = table;
        int id = t.find(c, ConnectionTable.meta(c));
        Delta d = delta;
        if (id < 0) {
            fillWhole(d, c);
            d.firstSeen = true;
        } else {
            fillDifference(d, c, t.chunk(id), ConnectionTable.base(id));
            t.removeFound(id);
        }
        d.closed = true;
        listener.onDelta(c, d);
    }

    /**
     * Ends the interval: evicts connections missing from too many snapshots (a scan over the
     * entries, not the index), then lets the table give memory back if it is mostly empty.
     */
    public void endInterval() {
        ConnectionTable t = table;
        int end = t.highWater();
        for (int id = 0; id < end; id++) {
            long meta = t.chunk(id)[ConnectionTable.base(id) + META];
            if ((meta & ConnectionTable.USED) != 0
                    && ((generation - (int) (meta >>> GENERATION_SHIFT)) & GENERATION_MASK) >= expireAfterIntervals) {
                t.remove(id);
                expired++;
            }
        }
        t.compactIfSparse();
    }

    /** @return connections tracked now */
    public int size() {
        return table.size();
    }

    /** @return new connections refused because the table was full */
    public long refusedFull() {
        return refusedFull;
    }

    /** @return connections evicted after missing from snapshots */
    public long expired() {
        return expired;
    }

    /** @return times counters went backwards and a connection was taken as new */
    public long resets() {
        return resets;
    }

    /** @return bytes of heap the engine's tables hold now (arrays counted exactly, objects not) */
    public long memoryBytes() {
        return table.memoryBytes();
    }

    /** @return slots of the engine's index now: it grows with the connections tracked */
    public int indexCapacity() {
        return table.indexCapacity();
    }

    private void fillWhole(Delta d, ConnectionView c) {
        d.bytesSent = c.bytesSent();
        d.bytesReceived = c.bytesReceived();
        d.packetsSent = c.packetsSent();
        d.packetsReceived = c.packetsReceived();
        d.retransmits = c.retransmits();
        d.tcpEstablished = c.tcpEstablished() > 0 ? 1 : 0;
        d.tcpClosed = c.tcpClosed() > 0 ? 1 : 0;
        d.failureErrno = Math.max(0, c.failureErrno());
        d.firstSeen = false;
        d.counterReset = false;
    }

    private void fillDifference(Delta d, ConnectionView c, long[] s, int b) {
        long bs = c.bytesSent() - s[b + BYTES_SENT];
        long br = c.bytesReceived() - s[b + BYTES_RECEIVED];
        long ps = c.packetsSent() - s[b + PACKETS_SENT];
        long pr = c.packetsReceived() - s[b + PACKETS_RECEIVED];
        long rt = c.retransmits() - s[b + RETRANSMITS];
        if ((bs | br | ps | pr | rt) < 0) {
            resets++;
            fillWhole(d, c);
            d.counterReset = true;
            return;
        }
        long meta = s[b + META];
        d.bytesSent = bs;
        d.bytesReceived = br;
        d.packetsSent = ps;
        d.packetsReceived = pr;
        d.retransmits = rt;
        d.tcpEstablished = c.tcpEstablished() > 0 && (meta & ESTABLISHED) == 0 ? 1 : 0;
        d.tcpClosed = c.tcpClosed() > 0 ? 1 : 0;
        d.failureErrno = c.failureErrno() > 0 && (meta & FAILED) == 0 ? c.failureErrno() : 0;
        d.firstSeen = false;
        d.counterReset = false;
    }

    private void remember(long[] s, int b, ConnectionView c) {
        s[b + BYTES_SENT] = c.bytesSent();
        s[b + BYTES_RECEIVED] = c.bytesReceived();
        s[b + PACKETS_SENT] = c.packetsSent();
        s[b + PACKETS_RECEIVED] = c.packetsReceived();
        s[b + RETRANSMITS] = c.retransmits();
        s[b + META] = (s[b + META] & KEEP) | ((long) (generation & GENERATION_MASK) << GENERATION_SHIFT)
                | (c.tcpEstablished() > 0 ? ESTABLISHED : 0) | (c.failureErrno() > 0 ? FAILED : 0);
    }
}
