package org.cartograph.capture.replay.internal;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/** Every value of a {@link ConnectionView} as it was during one visit or offer. */
record Seen(String via, long cookie, Protocol protocol, long localHigh, long localLow, int localPort,
            long remoteHigh, long remoteLow, int remotePort, long netns, int pid, String process, long cgroupId,
            Direction direction, boolean preexisting, long bytesSent, long bytesReceived, long packetsSent,
            long packetsReceived, long retransmits, int rttMicros, int rttVarMicros, int tcpEstablished,
            int tcpClosed, int failureErrno) {

    /**
     * @param via  {@code open} for a visit, {@code close} for an offer
     * @param view the view to copy
     * @return the copy
     */
    static Seen of(String via, ConnectionView view) {
        return new Seen(via, view.cookie(), view.protocol(), view.localAddressHigh(), view.localAddressLow(),
                view.localPort(), view.remoteAddressHigh(), view.remoteAddressLow(), view.remotePort(), view.netns(),
                view.pid(), view.processName(), view.cgroupId(), view.direction(), view.preexisting(),
                view.bytesSent(), view.bytesReceived(), view.packetsSent(), view.packetsReceived(),
                view.retransmits(), view.rttMicros(), view.rttVarMicros(), view.tcpEstablished(), view.tcpClosed(),
                view.failureErrno());
    }
}
