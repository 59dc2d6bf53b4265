package org.cartograph.capture.netlink.internal;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/** A copy of a {@link ConnectionView}, for assertions. */
record Seen(Protocol protocol, IpAddress local, int localPort, IpAddress remote, int remotePort, long netns, int pid,
            String process, Direction direction, boolean preexisting, long sent, long received, long packetsSent,
            long retransmits, int rtt, int closed, long cookie, int failure) {

    static Seen of(ConnectionView v) {
        return new Seen(v.protocol(), new IpAddress(v.localAddressHigh(), v.localAddressLow()), v.localPort(),
                new IpAddress(v.remoteAddressHigh(), v.remoteAddressLow()), v.remotePort(), v.netns(), v.pid(),
                v.processName(), v.direction(), v.preexisting(), v.bytesSent(), v.bytesReceived(), v.packetsSent(),
                v.retransmits(), v.rttMicros(), v.tcpClosed(), v.cookie(), v.failureErrno());
    }
}
