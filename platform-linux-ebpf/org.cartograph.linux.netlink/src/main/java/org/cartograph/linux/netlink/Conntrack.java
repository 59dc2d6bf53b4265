package org.cartograph.linux.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.cartograph.linux.netlink.internal.ConntrackParser;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * ctnetlink ({@code NETLINK_NETFILTER}, subsystem {@code NFNL_SUBSYS_CTNETLINK}) over a
 * {@link NetlinkSocket}: builds the dump request and parses received messages into one reused
 * {@link ConntrackEntry}. Never trusts lengths; allocates nothing per message. Not thread-safe: one
 * instance per thread.
 */
public final class Conntrack {

    /** Multicast group bit to join at bind: {@code NF_NETLINK_CONNTRACK_NEW}. */
    public static final int GROUP_NEW = 1;
    /** Multicast group bit to join at bind: {@code NF_NETLINK_CONNTRACK_UPDATE}. */
    public static final int GROUP_UPDATE = 2;
    /** Multicast group bit to join at bind: {@code NF_NETLINK_CONNTRACK_DESTROY}. */
    public static final int GROUP_DESTROY = 4;

    /** Receives each entry of a dump or an event batch, on the thread that calls {@link #read}. */
    @ConsumerType
    @FunctionalInterface
    public interface Sink {
        /** @param entry the reused entry, valid during the call only */
        void accept(ConntrackEntry entry);
    }

    private final ByteBuffer request = ByteBuffer.allocateDirect(20).order(ByteOrder.LITTLE_ENDIAN);
    private final ConntrackParser.Entry entry = new ConntrackParser.Entry();
    private int sequence = 1000;

    /** A parser with its own request buffer and entry holder. */
    public Conntrack() {
    }

    /**
     * Asks for a dump of the whole table of the socket's namespace; does not wait for it.
     *
     * @param socket a {@link NetlinkOpener#NETFILTER} socket
     * @return the dump's sequence number; read the replies with {@link #read}
     * @throws NetlinkException if the request cannot be sent
     */
    public int requestDump(NetlinkSocket socket) throws NetlinkException {
        int seq = ++sequence;
        ConntrackParser.dumpRequest(request, seq);
        socket.send(request);
        return seq;
    }

    /**
     * Parses every message in a received buffer, handing each complete entry to the sink.
     *
     * @param b    what {@link NetlinkSocket#receive()} returned
     * @param sink receives each entry
     * @return true if the buffer held the end of a dump ({@code NLMSG_DONE})
     * @throws NetlinkException on an error reply
     */
    public boolean read(ByteBuffer b, Sink sink) throws NetlinkException {
        return ConntrackParser.read(b, entry, sink);
    }
}
