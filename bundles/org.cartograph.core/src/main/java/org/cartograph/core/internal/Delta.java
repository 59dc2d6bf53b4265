package org.cartograph.core.internal;

/**
 * The per-interval change of one connection, as computed by {@link DeltaEngine}. A single
 * instance is reused for every connection: read it during the callback, never keep it.
 */
public final class Delta {

    long bytesSent;
    long bytesReceived;
    long packetsSent;
    long packetsReceived;
    long retransmits;
    int tcpEstablished;
    int tcpClosed;
    int failureErrno;
    boolean firstSeen;
    boolean closed;
    boolean counterReset;

    /** @return payload bytes sent during the interval */
    public long bytesSent() {
        return bytesSent;
    }

    /** @return payload bytes received during the interval */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** @return packets sent during the interval */
    public long packetsSent() {
        return packetsSent;
    }

    /** @return packets received during the interval */
    public long packetsReceived() {
        return packetsReceived;
    }

    /** @return retransmits during the interval */
    public long retransmits() {
        return retransmits;
    }

    /** @return 1 if the connection became established during the interval */
    public int tcpEstablished() {
        return tcpEstablished;
    }

    /** @return 1 if the connection closed during the interval */
    public int tcpClosed() {
        return tcpClosed;
    }

    /** @return the errno of a failure first seen during the interval, 0 if none */
    public int failureErrno() {
        return failureErrno;
    }

    /** @return whether this is the first interval the connection was seen in */
    public boolean firstSeen() {
        return firstSeen;
    }

    /** @return whether the connection closed during the interval */
    public boolean closed() {
        return closed;
    }

    /** @return whether the counters went backwards and were taken as a new connection */
    public boolean counterReset() {
        return counterReset;
    }

    /** @return whether nothing changed */
    public boolean isIdle() {
        return (bytesSent | bytesReceived | packetsSent | packetsReceived | retransmits | tcpEstablished | tcpClosed
                | failureErrno) == 0 && !closed;
    }
}
