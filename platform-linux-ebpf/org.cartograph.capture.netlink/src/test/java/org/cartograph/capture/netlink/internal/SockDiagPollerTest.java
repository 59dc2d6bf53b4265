package org.cartograph.capture.netlink.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.Direction;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkSocket;
import org.cartograph.linux.netlink.internal.ConntrackParser;
import org.junit.jupiter.api.Test;

/** The sock_diag poller and the conntrack failure rules against fakes of the netlink boundary. */
class SockDiagPollerTest {

    private static final long NETNS = 4026532000L;

    /** Answers each dump request with canned sockets, echoing the request's sequence number. */
    private static final class FakeDiag implements NetlinkSocket, NetlinkOpener {
        private final ByteBuffer reply = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int errorReply;

        @Override
        public void send(ByteBuffer request) {
            int seq = request.getInt(request.position() + 8);
            int family = request.get(request.position() + 16);
            int states = request.getInt(request.position() + 20);
            reply.clear();
            if (errorReply != 0) {
                message(seq, 2, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-errorReply).array());
            } else if (family == SockDiag.AF_INET && states == SockDiag.LISTEN_STATES) {
                message(seq, 20, socket(10, 8080, 0, 0x0A000001, 0, 0, 100, false));
            } else if (family == SockDiag.AF_INET && states == SockDiag.CONNECTION_STATES) {
                message(seq, 20, socket(1, 8080, 50000, 0x0A000001, 0x0A000002, 77, 101, true));
                message(seq, 20, socket(1, 41000, 443, 0x0A000001, 0x0A000003, 78, 102, true));
            }
            message(seq, 3, new byte[4]);
            reply.flip();
        }

        private void message(int seq, int type, byte[] body) {
            reply.putInt(16 + body.length).putShort((short) type).putShort((short) 2).putInt(seq).putInt(0).put(body);
        }

        private static byte[] socket(int state, int sport, int dport, int src, int dst, long cookie, int inode,
                                     boolean info) {
            ByteBuffer b = ByteBuffer.allocate(72 + (info ? 4 + 232 : 0)).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) SockDiag.AF_INET).put((byte) state).put((byte) 0).put((byte) 0);
            b.putShort(Short.reverseBytes((short) sport)).putShort(Short.reverseBytes((short) dport));
            b.putInt(8, Integer.reverseBytes(src)).putInt(24, Integer.reverseBytes(dst));
            b.putInt(44, (int) cookie).putInt(48, 0).putInt(68, inode);
            if (info) {
                int t = 76;
                b.putShort(72, (short) 236).putShort(74, (short) 2);
                b.put(t, (byte) state);
                b.putInt(t + 68, 250).putInt(t + 72, 40).putInt(t + 100, 3);
                b.putLong(t + 120, 1001).putLong(t + 128, 300).putInt(t + 136, 9).putInt(t + 140, 7);
                b.putLong(t + 200, 1200).putLong(t + 208, 200);
            }
            return b.array();
        }

        @Override
        public ByteBuffer receive() {
            return reply;
        }

        @Override
        public long netns() {
            return NETNS;
        }

        @Override
        public NetlinkSocket open(int protocol, int groups, Path namespace, int receiveBuffer, int timeoutMillis) {
            return this;
        }

        @Override
        public long ownNetns() {
            return NETNS;
        }

        @Override
        public Map<Long, Path> namespaces() {
            return Map.of(NETNS, Path.of("/proc/self/ns/net"));
        }

        @Override
        public int poll(NetlinkSocket[] sockets, int count, int timeoutMillis, boolean[] ready) {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void snapshotParsesTcpInfoInfersDirectionAndReusesOneView() throws Exception {
        FakeDiag fake = new FakeDiag();
        SeenTuples seen = new SeenTuples(100);
        SockDiagPoller poller = new SockDiagPoller(fake, seen);
        poller.watch(Map.of(NETNS, Path.of("/proc/self/ns/net")));
        List<Seen> got = new ArrayList<>();
        List<Object> views = new ArrayList<>();
        int n = poller.snapshot(v -> {
            got.add(Seen.of(v));
            views.add(v);
        }, ProcessTable.EMPTY, false, false, 1000);
        assertEquals(2, n);
        assertSame(views.get(0), views.get(1), "one reused view");
        Seen in = got.get(0);
        assertEquals(Protocol.TCP, in.protocol());
        assertEquals(Direction.INCOMING, in.direction(), "local port 8080 listens");
        assertEquals(IpAddress.parse("10.0.0.1"), in.local());
        assertEquals(IpAddress.parse("10.0.0.2"), in.remote());
        assertEquals(50000, in.remotePort());
        assertEquals(1000, in.sent(), "bytes_sent - bytes_retrans");
        assertEquals(300, in.received());
        assertEquals(3, in.retransmits());
        assertEquals(250, in.rtt());
        assertEquals(77, in.cookie());
        assertEquals(NETNS, in.netns());
        assertTrue(in.preexisting(), "first snapshot: existed before capture");
        assertEquals(Direction.OUTGOING, got.get(1).direction());
        assertTrue(poller.unknownInodes(), "owners not yet scanned");
        assertTrue(seen.contains(SeenTuples.hash(NETNS, 6, 0, IpAddress.parse("10.0.0.1").low(), 41000, 0,
                IpAddress.parse("10.0.0.3").low(), 443)));
        got.clear();
        poller.snapshot(v -> got.add(Seen.of(v)), ProcessTable.EMPTY, false, false, 2000);
        assertTrue(got.stream().noneMatch(Seen::preexisting), "later snapshots: not preexisting");
    }

    @Test
    void errorReplyBecomesATypedException() {
        FakeDiag fake = new FakeDiag();
        fake.errorReply = 1;
        SockDiagPoller poller = new SockDiagPoller(fake, new SeenTuples(100));
        poller.watch(Map.of(NETNS, Path.of("/proc/self/ns/net")));
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> poller.snapshot(v -> { }, ProcessTable.EMPTY, false, false, 0));
        assertEquals(1, e.errno());
    }

    @Test
    void failureRulesFromDestroyedConntrackEntries() {
        ConntrackParser.Entry e = new ConntrackParser.Entry();
        e.counters = true;
        e.tcpState = 8;
        e.replyPackets = 1;
        assertEquals(111, ConntrackClosed.failure(e), "RST answered the SYN");
        e.tcpState = 1;
        e.replyPackets = 0;
        assertEquals(110, ConntrackClosed.failure(e), "SYN never answered");
        e.status = 0x2 | 0x4;
        e.tcpState = 8;
        assertEquals(104, ConntrackClosed.failure(e), "reset after establishment");
        e.tcpState = 7;
        assertEquals(0, ConntrackClosed.failure(e), "orderly close");
    }
}
