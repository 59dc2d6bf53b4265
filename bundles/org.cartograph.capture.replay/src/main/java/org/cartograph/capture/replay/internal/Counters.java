package org.cartograph.capture.replay.internal;

/**
 * The cumulative counters of one script entry that grow over a connection's life, and so are
 * offset on each repetition of a repeating script. Gauges (RTT) and 0/1 states are not here.
 *
 * @param bytesSent       cumulative payload bytes sent
 * @param bytesReceived   cumulative payload bytes received
 * @param packetsSent     cumulative packets sent
 * @param packetsReceived cumulative packets received
 * @param retransmits     cumulative TCP retransmits
 */
record Counters(long bytesSent, long bytesReceived, long packetsSent, long packetsReceived, long retransmits) {

    /** All zero. */
    static final Counters ZERO = new Counters(0, 0, 0, 0, 0);

    /**
     * @param other other counters
     * @return the larger value of each counter
     */
    Counters max(Counters other) {
        return new Counters(Math.max(bytesSent, other.bytesSent), Math.max(bytesReceived, other.bytesReceived),
                Math.max(packetsSent, other.packetsSent), Math.max(packetsReceived, other.packetsReceived),
                Math.max(retransmits, other.retransmits));
    }
}
