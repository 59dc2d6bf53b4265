package org.cartograph.core.internal;

import org.cartograph.capture.ConnectionView;

/**
 * Turns cumulative connection counters into per-interval deltas for one consumer.
 *
 * <p>State is one open-addressing hash table in a single {@code long[]} (a slot of 16 longs per
 * connection), keyed by the full tuple,
 * network namespace and socket cookie: updating a known connection allocates nothing. Rules:
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

    private static final int PORTS_MASK = 0xFFFF;
    /** Longs per slot: one slot is two cache lines, so an update touches two lines, not sixteen arrays. */
    private static final int STRIDE = 16;
    private static final int LHI = 0;
    private static final int LLO = 1;
    private static final int RHI = 2;
    private static final int RLO = 3;
    private static final int META = 4;
    private static final int NETNS = 5;
    private static final int COOKIE = 6;
    private static final int BYTES_SENT = 7;
    private static final int BYTES_RECEIVED = 8;
    private static final int PACKETS_SENT = 9;
    private static final int PACKETS_RECEIVED = 10;
    private static final int RETRANSMITS = 11;
    /** Low bits: used, established, failed; high 32 bits: the generation last seen. */
    private static final int STATE = 12;
    private static final long USED = 1;
    private static final long ESTABLISHED = 2;
    private static final long FAILED = 4;

    private final int maxEntries;
    private final int expireAfterIntervals;
    private final int mask;
    private final Delta delta = new Delta();
    private final long[] slots;

    private int size;
    private int generation;
    private long refusedFull;
    private long expired;
    private long resets;

    /**
     * @param maxEntries           connections tracked at once
     * @param expireAfterIntervals snapshots a connection may be missing from before it is evicted
     */
    public DeltaEngine(int maxEntries, int expireAfterIntervals) {
        if (maxEntries < 1 || maxEntries > (1 << 24)) {
            throw new IllegalArgumentException("maxEntries out of 1..2^24: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.expireAfterIntervals = Math.max(1, expireAfterIntervals);
        int cap = Integer.highestOneBit(Math.max(16, maxEntries * 2 - 1)) << 1;
        this.mask = cap - 1;
        this.slots = new long[cap * STRIDE];
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
        long m = meta(c);
        int slot = find(c, m);
        Delta d = delta;
        if (slot < 0) {
            if (size >= maxEntries) {
                refusedFull++;
                return;
            }
            slot = insert(c, m, ~slot);
            fillWhole(d, c);
            d.firstSeen = true;
        } else {
            fillDifference(d, c, slot);
        }
        remember(slot, c);
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
        long m = meta(c);
        int slot = find(c, m);
        Delta d = delta;
        if (slot < 0) {
            fillWhole(d, c);
            d.firstSeen = true;
        } else {
            fillDifference(d, c, slot);
            remove(slot);
        }
        d.closed = true;
        listener.onDelta(c, d);
    }

    /** Ends the interval: evicts connections missing from too many snapshots. */
    public void endInterval() {
        int limit = generation - expireAfterIntervals;
        for (int i = 0; i <= mask; ) {
            long state = slots[i * STRIDE + STATE];
            if ((state & USED) != 0 && (int) (state >>> 32) - limit <= 0) {
                remove(i);
                expired++;
                continue; // backward shift may have moved another entry into slot i
            }
            i++;
        }
    }

    /** @return connections tracked now */
    public int size() {
        return size;
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

    private void fillDifference(Delta d, ConnectionView c, int slot) {
        long[] s = slots;
        int b = slot * STRIDE;
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
        long state = s[b + STATE];
        d.bytesSent = bs;
        d.bytesReceived = br;
        d.packetsSent = ps;
        d.packetsReceived = pr;
        d.retransmits = rt;
        d.tcpEstablished = c.tcpEstablished() > 0 && (state & ESTABLISHED) == 0 ? 1 : 0;
        d.tcpClosed = c.tcpClosed() > 0 ? 1 : 0;
        d.failureErrno = c.failureErrno() > 0 && (state & FAILED) == 0 ? c.failureErrno() : 0;
        d.firstSeen = false;
        d.counterReset = false;
    }

    private void remember(int slot, ConnectionView c) {
        long[] s = slots;
        int b = slot * STRIDE;
        s[b + BYTES_SENT] = c.bytesSent();
        s[b + BYTES_RECEIVED] = c.bytesReceived();
        s[b + PACKETS_SENT] = c.packetsSent();
        s[b + PACKETS_RECEIVED] = c.packetsReceived();
        s[b + RETRANSMITS] = c.retransmits();
        s[b + STATE] = ((long) generation << 32) | USED | (c.tcpEstablished() > 0 ? ESTABLISHED : 0)
                | (c.failureErrno() > 0 ? FAILED : 0);
    }

    private static long meta(ConnectionView c) {
        return ((long) c.protocol().ordinal() << 32) | ((long) (c.localPort() & PORTS_MASK) << 16)
                | (c.remotePort() & PORTS_MASK);
    }

    private int hash(long a, long b, long c, long d, long m, long ns, long ck) {
        long h = a * 0x9E3779B97F4A7C15L;
        h = (h ^ b) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ c) * 0x165667B19E3779F9L;
        h = (h ^ d) * 0x9E3779B97F4A7C15L;
        h = (h ^ m) * 0xC2B2AE3D27D4EB4FL;
        h = (h ^ ns ^ (ck * 0x27D4EB2F165667C5L)) * 0x165667B19E3779F9L;
        h ^= h >>> 29;
        return (int) h & mask;
    }

    private int hashOf(int slot) {
        long[] s = slots;
        int b = slot * STRIDE;
        return hash(s[b + LHI], s[b + LLO], s[b + RHI], s[b + RLO], s[b + META], s[b + NETNS], s[b + COOKIE]);
    }

    /** @return the slot holding the connection, or {@code ~slot} of the free slot it would go to */
    private int find(ConnectionView c, long m) {
        long a = c.localAddressHigh();
        long lo = c.localAddressLow();
        long r1 = c.remoteAddressHigh();
        long r2 = c.remoteAddressLow();
        long ns = c.netns();
        long ck = c.cookie();
        long[] s = slots;
        int i = hash(a, lo, r1, r2, m, ns, ck);
        while (true) {
            int b = i * STRIDE;
            if ((s[b + STATE] & USED) == 0) {
                return ~i;
            }
            if (s[b + LLO] == lo && s[b + RLO] == r2 && s[b + META] == m && s[b + COOKIE] == ck && s[b + LHI] == a
                    && s[b + RHI] == r1 && s[b + NETNS] == ns) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private int insert(ConnectionView c, long m, int slot) {
        long[] s = slots;
        int b = slot * STRIDE;
        s[b + LHI] = c.localAddressHigh();
        s[b + LLO] = c.localAddressLow();
        s[b + RHI] = c.remoteAddressHigh();
        s[b + RLO] = c.remoteAddressLow();
        s[b + META] = m;
        s[b + NETNS] = c.netns();
        s[b + COOKIE] = c.cookie();
        s[b + STATE] = USED;
        size++;
        return slot;
    }

    /** Linear-probing deletion with backward shift: no tombstones, lookups stay short. */
    private void remove(int slot) {
        long[] s = slots;
        int hole = slot;
        int i = (slot + 1) & mask;
        while ((s[i * STRIDE + STATE] & USED) != 0) {
            int home = hashOf(i);
            boolean movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);
            if (movable) {
                System.arraycopy(s, i * STRIDE, s, hole * STRIDE, STRIDE);
                hole = i;
            }
            i = (i + 1) & mask;
        }
        java.util.Arrays.fill(s, hole * STRIDE, hole * STRIDE + STRIDE, 0L);
        size--;
    }
}
