package org.cartograph.core.internal;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/**
 * A plain, reusable {@link ConnectionView}: the core fills it when it copies closed connections
 * out of its buffer, and tests and benchmarks fill it directly. Not thread-safe.
 */
public final class MutableConnection implements ConnectionView {

    public long cookie;
    public Protocol protocol = Protocol.TCP;
    public long localHigh;
    public long localLow;
    public int localPort;
    public long remoteHigh;
    public long remoteLow;
    public int remotePort;
    public long netns;
    public int pid;
    public String processName = "";
    public long cgroupId;
    public Direction direction = Direction.NONE;
    public boolean preexisting;
    public long bytesSent;
    public long bytesReceived;
    public long packetsSent;
    public long packetsReceived;
    public long retransmits;
    public int rttMicros;
    public int rttVarMicros;
    public int tcpEstablished;
    public int tcpClosed;
    public int failureErrno;

    /**
     * Sets the tuple from address objects.
     *
     * @param proto  protocol
     * @param local  local address
     * @param lport  local port
     * @param remote remote address
     * @param rport  remote port
     * @return this
     */
    public MutableConnection tuple(Protocol proto, IpAddress local, int lport, IpAddress remote, int rport) {
        protocol = proto;
        localHigh = local.high();
        localLow = local.low();
        localPort = lport;
        remoteHigh = remote.high();
        remoteLow = remote.low();
        remotePort = rport;
        return this;
    }

    /**
     * Copies every field of another view into this one.
     *
     * @param v the source
     * @return this
     */
    public MutableConnection copyOf(ConnectionView v) {
        cookie = v.cookie();
        protocol = v.protocol();
        localHigh = v.localAddressHigh();
        localLow = v.localAddressLow();
        localPort = v.localPort();
        remoteHigh = v.remoteAddressHigh();
        remoteLow = v.remoteAddressLow();
        remotePort = v.remotePort();
        netns = v.netns();
        pid = v.pid();
        processName = v.processName();
        cgroupId = v.cgroupId();
        direction = v.direction();
        preexisting = v.preexisting();
        bytesSent = v.bytesSent();
        bytesReceived = v.bytesReceived();
        packetsSent = v.packetsSent();
        packetsReceived = v.packetsReceived();
        retransmits = v.retransmits();
        rttMicros = v.rttMicros();
        rttVarMicros = v.rttVarMicros();
        tcpEstablished = v.tcpEstablished();
        tcpClosed = v.tcpClosed();
        failureErrno = v.failureErrno();
        return this;
    }

    @Override public long cookie() { return cookie; }
    @Override public Protocol protocol() { return protocol; }
    @Override public long localAddressHigh() { return localHigh; }
    @Override public long localAddressLow() { return localLow; }
    @Override public int localPort() { return localPort; }
    @Override public long remoteAddressHigh() { return remoteHigh; }
    @Override public long remoteAddressLow() { return remoteLow; }
    @Override public int remotePort() { return remotePort; }
    @Override public long netns() { return netns; }
    @Override public int pid() { return pid; }
    @Override public String processName() { return processName; }
    @Override public long cgroupId() { return cgroupId; }
    @Override public Direction direction() { return direction; }
    @Override public boolean preexisting() { return preexisting; }
    @Override public long bytesSent() { return bytesSent; }
    @Override public long bytesReceived() { return bytesReceived; }
    @Override public long packetsSent() { return packetsSent; }
    @Override public long packetsReceived() { return packetsReceived; }
    @Override public long retransmits() { return retransmits; }
    @Override public int rttMicros() { return rttMicros; }
    @Override public int rttVarMicros() { return rttVarMicros; }
    @Override public int tcpEstablished() { return tcpEstablished; }
    @Override public int tcpClosed() { return tcpClosed; }
    @Override public int failureErrno() { return failureErrno; }
}
