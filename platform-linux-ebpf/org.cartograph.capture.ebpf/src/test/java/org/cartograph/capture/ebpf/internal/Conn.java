package org.cartograph.capture.ebpf.internal;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/** A copy of a {@link ConnectionView}, for assertions. */
record Conn(long cookie, Protocol protocol, IpAddress local, int localPort, IpAddress remote, int remotePort,
            long netns, int pid, String processName, long cgroupId, Direction direction, boolean preexisting,
            long bytesSent, long bytesReceived, long packetsSent, long packetsReceived, long retransmits,
            int rttMicros, int rttVarMicros, int tcpEstablished, int tcpClosed, int failureErrno) {

    static Conn of(ConnectionView v) {
        return new Conn(v.cookie(), v.protocol(), new IpAddress(v.localAddressHigh(), v.localAddressLow()), v.localPort(),
                new IpAddress(v.remoteAddressHigh(), v.remoteAddressLow()), v.remotePort(), v.netns(), v.pid(),
                v.processName(), v.cgroupId(), v.direction(), v.preexisting(), v.bytesSent(), v.bytesReceived(),
                v.packetsSent(), v.packetsReceived(), v.retransmits(), v.rttMicros(), v.rttVarMicros(),
                v.tcpEstablished(), v.tcpClosed(), v.failureErrno());
    }
}
