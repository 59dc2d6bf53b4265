package org.cartograph.linux.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The ctnetlink parser and dump request, against built messages and a fake socket. */
class ConntrackTest {

    private static final int CLIENT = 0x0A000001;
    private static final int VIP = 0x0A000063;
    private static final int BACKEND = 0x0A000002;
    private static final long V4 = 0xFFFFL << 32;

    private static CtMessages dnat(CtMessages m, int sport) {
        return m.entry(0x100, 0x400, new int[] {CLIENT, VIP, sport, 80}, new int[] {BACKEND, CLIENT, 8080, sport},
                0x20 | 0x8);
    }

    /** What one entry said, copied out of the reused holder. */
    private record Got(ConntrackEntry.Kind kind, int protocol, long origSrc, int origSrcPort, long origDst,
                       int origDstPort, long replySrc, int replySrcPort, long replyDst, int replyDstPort, int status,
                       boolean translated) {
        static Got of(ConntrackEntry e) {
            return new Got(e.kind(), e.protocol(), e.origSrcLow(), e.origSrcPort(), e.origDstLow(), e.origDstPort(),
                    e.replySrcLow(), e.replySrcPort(), e.replyDstLow(), e.replyDstPort(), e.status(), e.translated());
        }
    }

    @Test
    void parsesBothTuplesStatusAndKindOfEveryMessage() throws Exception {
        Conntrack ct = new Conntrack();
        List<Got> got = new ArrayList<>();
        List<ConntrackEntry> holders = new ArrayList<>();
        ByteBuffer b = dnat(new CtMessages(), 40000)
                .entry(0x102, 0, new int[] {CLIENT, BACKEND, 40001, 8080}, new int[] {BACKEND, CLIENT, 8080, 40001}, 0)
                .entry(0x100, 0, new int[] {CLIENT, BACKEND, 40002, 8080}, new int[] {BACKEND, CLIENT, 8080, 40002}, 0)
                .buffer();
        boolean done = ct.read(b, e -> {
            got.add(Got.of(e));
            holders.add(e);
        });
        assertFalse(done, "no NLMSG_DONE");
        assertEquals(3, got.size());
        assertSame(holders.get(0), holders.get(2), "one reused holder");
        assertEquals(new Got(ConntrackEntry.Kind.NEW, 6, V4 | CLIENT, 40000, V4 | VIP, 80, V4 | BACKEND, 8080,
                V4 | CLIENT, 40000, 0x28, true), got.get(0));
        assertEquals(ConntrackEntry.Kind.DESTROY, got.get(1).kind());
        assertFalse(got.get(1).translated(), "reply is the original reversed");
        assertEquals(ConntrackEntry.Kind.UPDATE, got.get(2).kind());
    }

    @Test
    void doneEndsADumpAndAnErrorReplyIsTyped() throws Exception {
        Conntrack ct = new Conntrack();
        assertTrue(ct.read(dnat(new CtMessages(), 40000).done().buffer(), e -> { }));
        NetlinkException e = assertThrows(NetlinkException.class,
                () -> ct.read(new CtMessages().error(1).buffer(), x -> { }));
        assertEquals(1, e.errno());
        assertEquals("ctnetlink", e.call());
        assertFalse(ct.read(new CtMessages().error(0).buffer(), x -> { }), "an ACK is no error");
    }

    @Test
    void dumpRequestIsOneCtGetWithDumpFlagsAndANewSequence() throws Exception {
        List<ByteBuffer> sent = new ArrayList<>();
        NetlinkSocket socket = new NetlinkSocket() {
            @Override
            public void send(ByteBuffer request) {
                ByteBuffer copy = ByteBuffer.allocate(request.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(request.duplicate()).flip();
                sent.add(copy);
            }

            @Override
            public ByteBuffer receive() {
                return ByteBuffer.allocate(0);
            }

            @Override
            public long netns() {
                return 1;
            }

            @Override
            public void close() {
            }
        };
        Conntrack ct = new Conntrack();
        int first = ct.requestDump(socket);
        int second = ct.requestDump(socket);
        assertEquals(first + 1, second);
        ByteBuffer r = sent.get(0);
        assertEquals(20, r.remaining());
        assertEquals(20, r.getInt(0), "nlmsg_len");
        assertEquals(0x101, r.getShort(4), "IPCTNL_MSG_CT_GET");
        assertEquals(0x301, r.getShort(6), "NLM_F_REQUEST | NLM_F_DUMP");
        assertEquals(first, r.getInt(8));
        assertEquals(second, sent.get(1).getInt(8));
    }

    @Test
    void parserNeverThrowsOnGarbage() throws Exception {
        SplittableRandom r = new SplittableRandom(42);
        Conntrack ct = new Conntrack();
        byte[] valid = new byte[dnat(new CtMessages(), 40000).buffer().remaining()];
        dnat(new CtMessages(), 40000).buffer().get(valid);
        int[] parsed = new int[1];
        for (int i = 0; i < 50_000; i++) {
            byte[] b = i % 2 == 0 ? new byte[r.nextInt(200)] : valid.clone();
            if (i % 2 == 0) {
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) r.nextInt(256);
                }
            } else {
                for (int k = 0; k < 4; k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            try {
                ct.read(buf, x -> parsed[0]++);
            } catch (NetlinkException expected) {
                // an error reply is a typed failure, not a crash
            }
        }
        assertTrue(parsed[0] > 0, "some lightly damaged messages still parse");
    }
}
