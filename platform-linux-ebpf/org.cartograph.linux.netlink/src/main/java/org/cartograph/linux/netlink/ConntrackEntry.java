package org.cartograph.linux.netlink;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One conntrack entry as parsed from a ctnetlink message: a read-only view of a holder that
 * {@link Conntrack} reuses for every message, valid only during the {@link Conntrack.Sink} call that
 * receives it (copy what must outlive it). Addresses are two longs each, IPv4 as
 * {@code ::ffff:a.b.c.d}; ports and protocol in host order. Read it on the thread that parses.
 */
@ProviderType
public interface ConntrackEntry {

    /** {@code IPS_SEEN_REPLY}. */
    int SEEN_REPLY = 0x2;
    /** {@code IPS_SRC_NAT}. */
    int SRC_NAT = 0x10;
    /** {@code IPS_DST_NAT}. */
    int DST_NAT = 0x20;

    /** Message kind: new, update or destroy. */
    enum Kind {
        /** {@code IPCTNL_MSG_CT_NEW} with {@code NLM_F_CREATE}. */
        NEW,
        /** {@code IPCTNL_MSG_CT_NEW} without {@code NLM_F_CREATE}, and every entry of a dump. */
        UPDATE,
        /** {@code IPCTNL_MSG_CT_DELETE}. */
        DESTROY
    }

    /** @return what the message said happened */
    Kind kind();

    /** @return IP protocol number (6 TCP, 17 UDP, ...) */
    int protocol();

    /** @return original direction source address, high 64 bits */
    long origSrcHigh();

    /** @return original direction source address, low 64 bits */
    long origSrcLow();

    /** @return original direction source port */
    int origSrcPort();

    /** @return original direction destination address, high 64 bits */
    long origDstHigh();

    /** @return original direction destination address, low 64 bits */
    long origDstLow();

    /** @return original direction destination port */
    int origDstPort();

    /** @return reply direction source address, high 64 bits */
    long replySrcHigh();

    /** @return reply direction source address, low 64 bits */
    long replySrcLow();

    /** @return reply direction source port */
    int replySrcPort();

    /** @return reply direction destination address, high 64 bits */
    long replyDstHigh();

    /** @return reply direction destination address, low 64 bits */
    long replyDstLow();

    /** @return reply direction destination port */
    int replyDstPort();

    /** @return {@code CTA_STATUS} bits ({@link #SEEN_REPLY}, {@link #SRC_NAT}, {@link #DST_NAT}, ...) */
    int status();

    /** @return {@code TCP_CONNTRACK_*} state, 0 if none was sent */
    int tcpState();

    /** @return packets in the original direction, 0 without {@link #counters()} */
    long origPackets();

    /** @return bytes (IP headers included) in the original direction, 0 without {@link #counters()} */
    long origBytes();

    /** @return packets in the reply direction, 0 without {@link #counters()} */
    long replyPackets();

    /** @return bytes (IP headers included) in the reply direction, 0 without {@link #counters()} */
    long replyBytes();

    /** @return whether the message carried accounting counters ({@code nf_conntrack_acct=1}) */
    boolean counters();

    /** @return whether the reply tuple is not simply the original one reversed (NAT) */
    default boolean translated() {
        return (status() & (SRC_NAT | DST_NAT)) != 0 || replySrcHigh() != origDstHigh()
                || replySrcLow() != origDstLow() || replySrcPort() != origDstPort() || replyDstHigh() != origSrcHigh()
                || replyDstLow() != origSrcLow() || replyDstPort() != origSrcPort();
    }
}
