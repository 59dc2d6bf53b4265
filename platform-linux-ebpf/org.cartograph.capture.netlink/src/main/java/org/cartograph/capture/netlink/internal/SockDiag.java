package org.cartograph.capture.netlink.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkSocket;

/**
 * Dumps sockets through {@code NETLINK_SOCK_DIAG} ({@code inet_diag_req_v2} with
 * {@code INET_DIAG_INFO}) and parses each {@code inet_diag_msg} (plus {@code struct tcp_info})
 * into a reused {@link NetlinkView}. One instance per thread; allocates nothing per socket.
 */
final class SockDiag {

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;
    static final int TCP_ESTABLISHED = 1;
    static final int TCP_SYN_SENT = 2;
    static final int TCP_FIN_WAIT2 = 5;
    static final int TCP_TIME_WAIT = 6;
    static final int TCP_CLOSE = 7;
    static final int TCP_LISTEN = 10;
    /** Every TCP state but TIME_WAIT (no counters), LISTEN and NEW_SYN_RECV (request sockets). */
    static final int CONNECTION_STATES = 0xFFF & ~(1 << TCP_TIME_WAIT) & ~(1 << TCP_LISTEN) & ~(1 << 3) & ~1;
    static final int LISTEN_STATES = 1 << TCP_LISTEN;
    /** UDP sockets: "established" (connected) and unconnected (TCP_CLOSE). */
    static final int UDP_STATES = (1 << TCP_ESTABLISHED) | (1 << TCP_CLOSE);

    private static final int SOCK_DIAG_BY_FAMILY = 20;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int NLM_F_REQUEST_DUMP = 0x1 | 0x300;
    private static final int INET_DIAG_INFO = 2;
    private static final int MSG = 16;
    private static final long V4_MAPPED = 0xFFFFL << 32;

    /** Receives each socket of a dump. */
    @FunctionalInterface
    interface Sink {
        /** @param socket the reused view, valid during the call */
        void accept(NetlinkView socket);
    }

    private final ByteBuffer request = ByteBuffer.allocateDirect(72).order(ByteOrder.LITTLE_ENDIAN);
    private int sequence;

    /**
     * @param socket   a sock_diag socket
     * @param family   {@link #AF_INET} or {@link #AF_INET6}
     * @param protocol {@link #IPPROTO_TCP} or {@link #IPPROTO_UDP}
     * @param states   bit mask of TCP states wanted
     * @param view     filled per socket
     * @param sink     receives the view
     * @return sockets seen
     * @throws NetlinkException on a failed call or an error reply
     */
    int dump(NetlinkSocket socket, int family, int protocol, int states, NetlinkView view, Sink sink)
            throws NetlinkException {
        int seq = ++sequence;
        request.clear();
        request.putInt(72).putShort((short) SOCK_DIAG_BY_FAMILY).putShort((short) NLM_F_REQUEST_DUMP)
                .putInt(seq).putInt(0);
        request.put((byte) family).put((byte) protocol).put((byte) (1 << (INET_DIAG_INFO - 1))).put((byte) 0);
        request.putInt(states);
        while (request.position() < 72) {
            request.put((byte) 0);
        }
        request.flip();
        socket.send(request);
        int count = 0;
        while (true) {
            ByteBuffer b = socket.receive();
            if (!b.hasRemaining()) {
                throw new NetlinkException("recvfrom", 0, "sock_diag dump timed out");
            }
            int at = 0;
            int end = b.limit();
            while (at + MSG <= end) {
                int length = b.getInt(at);
                int type = b.getShort(at + 4) & 0xFFFF;
                if (length < MSG || at + length > end) {
                    break;
                }
                if (b.getInt(at + 8) == seq) {
                    if (type == NLMSG_DONE) {
                        return count;
                    }
                    if (type == NLMSG_ERROR) {
                        int errno = -b.getInt(at + MSG);
                        if (errno != 0) {
                            throw new NetlinkException("sock_diag dump", errno, "error reply");
                        }
                    } else if (type == SOCK_DIAG_BY_FAMILY) {
                        view.clear();
                        parse(b, at + MSG, at + length, protocol, view);
                        view.netns = socket.netns();
                        sink.accept(view);
                        count++;
                    }
                }
                at += (length + 3) & ~3;
            }
        }
    }

    static void parse(ByteBuffer b, int at, int end, int protocol, NetlinkView v) {
        int family = b.get(at) & 0xFF;
        v.state = b.get(at + 1) & 0xFF;
        v.protocol = protocol == IPPROTO_TCP ? Protocol.TCP : Protocol.UDP;
        v.localPort = Short.reverseBytes(b.getShort(at + 4)) & 0xFFFF;
        v.remotePort = Short.reverseBytes(b.getShort(at + 6)) & 0xFFFF;
        if (family == AF_INET) {
            v.localHigh = 0;
            v.localLow = V4_MAPPED | (Integer.reverseBytes(b.getInt(at + 8)) & 0xFFFF_FFFFL);
            v.remoteHigh = 0;
            v.remoteLow = V4_MAPPED | (Integer.reverseBytes(b.getInt(at + 24)) & 0xFFFF_FFFFL);
        } else {
            v.localHigh = Long.reverseBytes(b.getLong(at + 8));
            v.localLow = Long.reverseBytes(b.getLong(at + 16));
            v.remoteHigh = Long.reverseBytes(b.getLong(at + 24));
            v.remoteLow = Long.reverseBytes(b.getLong(at + 32));
        }
        v.cookie = (b.getInt(at + 44) & 0xFFFF_FFFFL) | ((long) b.getInt(at + 48) << 32);
        v.inode = b.getInt(at + 68) & 0xFFFF_FFFFL;
        int attr = at + 72;
        while (attr + 4 <= end) {
            int length = b.getShort(attr) & 0xFFFF;
            int type = b.getShort(attr + 2) & 0xFFFF;
            if (length < 4 || attr + length > end) {
                break;
            }
            if (type == INET_DIAG_INFO && protocol == IPPROTO_TCP) {
                tcpInfo(b, attr + 4, length - 4, v);
            }
            attr += (length + 3) & ~3;
        }
    }

    private static void tcpInfo(ByteBuffer b, int at, int length, NetlinkView v) {
        if (length >= 104) {
            v.rttMicros = b.getInt(at + 68);
            v.rttVarMicros = b.getInt(at + 72);
            v.retransmits = b.getInt(at + 100) & 0xFFFF_FFFFL;
        }
        if (length >= 144) {
            int state = v.state;
            long received = b.getLong(at + 128);
            // bytes_received counts the peer's FIN once it arrived (CLOSE_WAIT, LAST_ACK, CLOSING)
            v.bytesReceived = state == 8 || state == 9 || state == 11 ? Math.max(0, received - 1) : received;
            // bytes_acked counts our SYN on the connecting side and our FIN once acked: prefer
            // bytes_sent - bytes_retrans (payload only, kernel 4.19+)
            v.bytesSent = length >= 216 ? b.getLong(at + 200) - b.getLong(at + 208)
                    : Math.max(0, b.getLong(at + 120) - (state == TCP_FIN_WAIT2 ? 2 : 1));
            v.packetsSent = b.getInt(at + 136) & 0xFFFF_FFFFL;
            v.packetsReceived = b.getInt(at + 140) & 0xFFFF_FFFFL;
        }
        v.tcpEstablished = v.state == TCP_SYN_SENT ? 0 : 1;
    }
}
