package org.cartograph.flow;

import java.util.Map;

/**
 * Counters of one connection: either cumulative since it opened, or the delta of one interval
 * (see {@link Flow#delta()} and {@link Flow#cumulative()}). Counters are never negative.
 *
 * @param bytesSent       application payload bytes sent
 * @param bytesReceived   application payload bytes received
 * @param packetsSent     segments or datagrams sent
 * @param packetsReceived segments or datagrams received
 * @param retransmits     TCP segments retransmitted
 * @param rttMicros       smoothed TCP round-trip time in microseconds (a gauge, not a counter; 0 if unknown)
 * @param rttVarMicros    TCP round-trip time variance in microseconds (a gauge; 0 if unknown)
 * @param tcpEstablished  times the connection reached ESTABLISHED (0 or 1 for one connection)
 * @param tcpClosed       times the connection was closed (0 or 1 for one connection)
 * @param tcpFailures     failures by errno (104 reset, 110 timeout, 111 refused, 113/101 unreachable); unmodifiable
 */
public record ConnectionStats(long bytesSent, long bytesReceived, long packetsSent, long packetsReceived,
                              long retransmits, int rttMicros, int rttVarMicros, int tcpEstablished, int tcpClosed,
                              Map<Integer, Long> tcpFailures) {

    /** Counters that are all zero. */
    public static final ConnectionStats ZERO = new ConnectionStats(0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());

    /** Copies the failure map and rejects negative counters. */
    public ConnectionStats {
        if ((bytesSent | bytesReceived | packetsSent | packetsReceived | retransmits | rttMicros | rttVarMicros
                | tcpEstablished | tcpClosed) < 0) {
            throw new IllegalArgumentException("negative counter in " + bytesSent + "/" + bytesReceived + "/"
                    + packetsSent + "/" + packetsReceived + "/" + retransmits + "/" + tcpEstablished + "/" + tcpClosed);
        }
        tcpFailures = tcpFailures == null ? Map.of() : Map.copyOf(tcpFailures);
    }

    /** @return whether no byte, packet, retransmit, state change or failure was counted */
    public boolean isIdle() {
        return (bytesSent | bytesReceived | packetsSent | packetsReceived | retransmits | tcpEstablished | tcpClosed) == 0
                && tcpFailures.isEmpty();
    }
}
