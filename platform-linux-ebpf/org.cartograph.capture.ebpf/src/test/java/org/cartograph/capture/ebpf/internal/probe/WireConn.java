package org.cartograph.capture.ebpf.internal.probe;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/** A connection with every {@link ConnectionView} field as a record component: a test input and a copy for assertions. */
record WireConn(long cookie, Protocol protocol, long localAddressHigh, long localAddressLow, int localPort,
                long remoteAddressHigh, long remoteAddressLow, int remotePort, long netns, int pid,
                String processName, long cgroupId, Direction direction, boolean preexisting, long bytesSent,
                long bytesReceived, long packetsSent, long packetsReceived, long retransmits, int rttMicros,
                int rttVarMicros, int tcpEstablished, int tcpClosed, int failureErrno) implements ConnectionView {

    /** The high half of every IPv4-mapped address ({@code ::ffff:a.b.c.d} has it all zero). */
    static final long V4_MAPPED_HIGH = 0L;

    /** @return the low half of {@code ::ffff:a.b.c.d} */
    static long v4Mapped(int a, int b, int c, int d) {
        return 0xFFFF_0000_0000L | (long) a << 24 | (long) b << 16 | (long) c << 8 | d;
    }

    /** @return a copy of the view's values, taken during the visit */
    static WireConn of(ConnectionView v) {
        return new WireConn(v.cookie(), v.protocol(), v.localAddressHigh(), v.localAddressLow(), v.localPort(),
                v.remoteAddressHigh(), v.remoteAddressLow(), v.remotePort(), v.netns(), v.pid(), v.processName(),
                v.cgroupId(), v.direction(), v.preexisting(), v.bytesSent(), v.bytesReceived(), v.packetsSent(),
                v.packetsReceived(), v.retransmits(), v.rttMicros(), v.rttVarMicros(), v.tcpEstablished(),
                v.tcpClosed(), v.failureErrno());
    }

    /**
     * @param i a sequence number
     * @return a distinct TCP connection whose every field derives from {@code i} (v4-mapped
     *         addresses, counters above 2^32)
     */
    static WireConn numbered(int i) {
        Direction[] directions = Direction.values();
        return new WireConn(1_000_000L + i, i % 3 == 0 ? Protocol.UDP : Protocol.TCP, V4_MAPPED_HIGH,
                v4Mapped(10, 0, i >> 8 & 0xFF, i & 0xFF), 1024 + i, V4_MAPPED_HIGH, v4Mapped(192, 168, 1, i & 0xFF),
                443, 4_026_531_840L + i, 1000 + i, "proc" + i % 7, 7_000L + i, directions[i % directions.length],
                i % 5 == 0, (1L << 33) + i, (1L << 34) + i, 10L + i, 20L + i, i % 4, 100 + i, 10 + i, 1,
                i % 2, i % 11 == 0 ? 111 : 0);
    }

    /** @return this connection, marked pre-existing or not */
    WireConn withPreexisting(boolean flag) {
        return new WireConn(cookie, protocol, localAddressHigh, localAddressLow, localPort, remoteAddressHigh,
                remoteAddressLow, remotePort, netns, pid, processName, cgroupId, direction, flag, bytesSent,
                bytesReceived, packetsSent, packetsReceived, retransmits, rttMicros, rttVarMicros, tcpEstablished,
                tcpClosed, failureErrno);
    }

    /** @return this connection with another pid and process name */
    WireConn withName(int newPid, String name) {
        return new WireConn(cookie, protocol, localAddressHigh, localAddressLow, localPort, remoteAddressHigh,
                remoteAddressLow, remotePort, netns, newPid, name, cgroupId, direction, preexisting, bytesSent,
                bytesReceived, packetsSent, packetsReceived, retransmits, rttMicros, rttVarMicros, tcpEstablished,
                tcpClosed, failureErrno);
    }
}
