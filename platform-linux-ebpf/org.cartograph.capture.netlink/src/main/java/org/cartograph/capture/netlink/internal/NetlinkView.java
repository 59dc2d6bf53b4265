package org.cartograph.capture.netlink.internal;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/** The one reusable {@link ConnectionView} the backend fills per connection; plain mutable fields. */
final class NetlinkView implements ConnectionView {

    long cookie;
    Protocol protocol = Protocol.TCP;
    long localHigh;
    long localLow;
    int localPort;
    long remoteHigh;
    long remoteLow;
    int remotePort;
    long netns;
    int pid;
    String processName = "";
    Direction direction = Direction.NONE;
    boolean preexisting;
    long bytesSent;
    long bytesReceived;
    long packetsSent;
    long packetsReceived;
    long retransmits;
    int rttMicros;
    int rttVarMicros;
    int tcpEstablished;
    int tcpClosed;
    int failureErrno;
    /** Not part of the view: the socket inode, to find the owning process. */
    long inode;
    /** Not part of the view: the kernel TCP state. */
    int state;

    void clear() {
        cookie = 0;
        protocol = Protocol.TCP;
        localHigh = 0;
        localLow = 0;
        localPort = 0;
        remoteHigh = 0;
        remoteLow = 0;
        remotePort = 0;
        netns = 0;
        pid = 0;
        processName = "";
        direction = Direction.NONE;
        preexisting = false;
        bytesSent = 0;
        bytesReceived = 0;
        packetsSent = 0;
        packetsReceived = 0;
        retransmits = 0;
        rttMicros = 0;
        rttVarMicros = 0;
        tcpEstablished = 0;
        tcpClosed = 0;
        failureErrno = 0;
        inode = 0;
        state = 0;
    }

    @Override
    public long cookie() {
        return cookie;
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public long localAddressHigh() {
        return localHigh;
    }

    @Override
    public long localAddressLow() {
        return localLow;
    }

    @Override
    public int localPort() {
        return localPort;
    }

    @Override
    public long remoteAddressHigh() {
        return remoteHigh;
    }

    @Override
    public long remoteAddressLow() {
        return remoteLow;
    }

    @Override
    public int remotePort() {
        return remotePort;
    }

    @Override
    public long netns() {
        return netns;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public String processName() {
        return processName;
    }

    @Override
    public long cgroupId() {
        return 0;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public boolean preexisting() {
        return preexisting;
    }

    @Override
    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public long bytesReceived() {
        return bytesReceived;
    }

    @Override
    public long packetsSent() {
        return packetsSent;
    }

    @Override
    public long packetsReceived() {
        return packetsReceived;
    }

    @Override
    public long retransmits() {
        return retransmits;
    }

    @Override
    public int rttMicros() {
        return rttMicros;
    }

    @Override
    public int rttVarMicros() {
        return rttVarMicros;
    }

    @Override
    public int tcpEstablished() {
        return tcpEstablished;
    }

    @Override
    public int tcpClosed() {
        return tcpClosed;
    }

    @Override
    public int failureErrno() {
        return failureErrno;
    }

    @Override
    public String toString() {
        return protocol + " " + org.cartograph.flow.IpAddress.class.getSimpleName() + "(" + localHigh + "," + localLow
                + "):" + localPort + " -> (" + remoteHigh + "," + remoteLow + "):" + remotePort + " netns " + netns
                + " sent " + bytesSent + " recv " + bytesReceived + " pid " + pid + " " + direction;
    }
}
