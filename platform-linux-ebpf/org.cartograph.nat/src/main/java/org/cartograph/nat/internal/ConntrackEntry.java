package org.cartograph.nat.internal;

/** One conntrack entry as parsed from a ctnetlink message; a reused, mutable holder. */
final class ConntrackEntry {

    /** {@code IPS_SRC_NAT}. */
    static final int SRC_NAT = 0x10;
    /** {@code IPS_DST_NAT}. */
    static final int DST_NAT = 0x20;
    /** {@code IPS_SEEN_REPLY}. */
    static final int SEEN_REPLY = 0x2;

    /** Message kind: new, update or destroy. */
    enum Kind { NEW, UPDATE, DESTROY }

    Kind kind;
    int protocol;
    long origSrcHigh;
    long origSrcLow;
    int origSrcPort;
    long origDstHigh;
    long origDstLow;
    int origDstPort;
    long replySrcHigh;
    long replySrcLow;
    int replySrcPort;
    long replyDstHigh;
    long replyDstLow;
    int replyDstPort;
    int status;
    int tcpState;
    long origPackets;
    long origBytes;
    long replyPackets;
    long replyBytes;
    boolean counters;

    void clear() {
        kind = Kind.UPDATE;
        protocol = 0;
        origSrcHigh = 0;
        origSrcLow = 0;
        origSrcPort = 0;
        origDstHigh = 0;
        origDstLow = 0;
        origDstPort = 0;
        replySrcHigh = 0;
        replySrcLow = 0;
        replySrcPort = 0;
        replyDstHigh = 0;
        replyDstLow = 0;
        replyDstPort = 0;
        status = 0;
        tcpState = 0;
        origPackets = 0;
        origBytes = 0;
        replyPackets = 0;
        replyBytes = 0;
        counters = false;
    }

    /** @return whether the reply tuple is not simply the original one reversed */
    boolean translated() {
        return (status & (SRC_NAT | DST_NAT)) != 0 || replySrcHigh != origDstHigh || replySrcLow != origDstLow
                || replySrcPort != origDstPort || replyDstHigh != origSrcHigh || replyDstLow != origSrcLow
                || replyDstPort != origSrcPort;
    }
}
