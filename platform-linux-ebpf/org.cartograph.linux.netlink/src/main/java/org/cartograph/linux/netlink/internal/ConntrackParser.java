package org.cartograph.linux.netlink.internal;

import java.nio.ByteBuffer;

import org.cartograph.linux.netlink.Conntrack;
import org.cartograph.linux.netlink.ConntrackEntry;
import org.cartograph.linux.netlink.NetlinkException;

/**
 * The ctnetlink wire format behind {@link Conntrack}: the dump request and the parser, which fills
 * a reused {@link Entry}. Never trusts lengths; allocates nothing per message. Stateless.
 */
public final class ConntrackParser {

    private static final int MSG = 16;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    private static final int SUBSYS = 1 << 8;
    private static final int CT_NEW = SUBSYS;
    private static final int CT_GET = SUBSYS | 1;
    private static final int CT_DELETE = SUBSYS | 2;
    private static final int NLM_F_CREATE = 0x400;
    private static final int NESTED_MASK = 0x3FFF;
    private static final long V4_MAPPED = 0xFFFFL << 32;

    private ConntrackParser() {
    }

    /**
     * Writes a dump request for the whole table ({@code IPCTNL_MSG_CT_GET}, {@code NLM_F_DUMP}).
     *
     * @param request a buffer of at least 20 bytes, little-endian; flipped for sending
     * @param seq     the sequence number
     */
    public static void dumpRequest(ByteBuffer request, int seq) {
        request.clear();
        request.putInt(20).putShort((short) CT_GET).putShort((short) (0x1 | 0x300)).putInt(seq).putInt(0);
        request.put((byte) 0).put((byte) 0).putShort((short) 0);
        request.flip();
    }

    /**
     * Parses every message in a received buffer.
     *
     * @param b     what {@code NetlinkSocket.receive()} returned
     * @param entry the reused holder
     * @param sink  receives each entry
     * @return true if the buffer held the end of a dump ({@code NLMSG_DONE})
     * @throws NetlinkException on an error reply
     */
    public static boolean read(ByteBuffer b, Entry entry, Conntrack.Sink sink) throws NetlinkException {
        int at = 0;
        int end = b.limit();
        boolean done = false;
        while (at + MSG <= end) {
            int length = b.getInt(at);
            int type = b.getShort(at + 4) & 0xFFFF;
            int flags = b.getShort(at + 6) & 0xFFFF;
            if (length < MSG || at + length > end) {
                break;
            }
            if (type == NLMSG_DONE) {
                done = true;
            } else if (type == NLMSG_ERROR) {
                int errno = -b.getInt(at + MSG);
                if (errno != 0) {
                    throw new NetlinkException("ctnetlink", errno, "error reply");
                }
            } else if (type == CT_NEW || type == CT_DELETE) {
                entry.clear();
                entry.kind = type == CT_DELETE ? ConntrackEntry.Kind.DESTROY
                        : (flags & NLM_F_CREATE) != 0 ? ConntrackEntry.Kind.NEW : ConntrackEntry.Kind.UPDATE;
                if (parse(b, at + MSG + 4, at + length, entry)) {
                    sink.accept(entry);
                }
            }
            at += (length + 3) & ~3;
        }
        return done;
    }

    private static boolean parse(ByteBuffer b, int at, int end, Entry e) {
        boolean orig = false;
        boolean reply = false;
        for (int a = at; a + 4 <= end;) {
            int length = b.getShort(a) & 0xFFFF;
            int type = b.getShort(a + 2) & NESTED_MASK;
            if (length < 4 || a + length > end) {
                break;
            }
            int v = a + 4;
            int ve = a + length;
            switch (type) {
                case 1 -> orig = tuple(b, v, ve, e, true);
                case 2 -> reply = tuple(b, v, ve, e, false);
                case 3 -> e.status = length >= 8 ? Integer.reverseBytes(b.getInt(v)) : 0;
                case 4 -> e.tcpState = tcpState(b, v, ve);
                case 9, 10 -> counters(b, v, ve, e, type == 9);
                default -> { }
            }
            a += (length + 3) & ~3;
        }
        return orig && reply;
    }

    private static boolean tuple(ByteBuffer b, int at, int end, Entry e, boolean orig) {
        boolean ip = false;
        boolean proto = false;
        for (int a = at; a + 4 <= end;) {
            int length = b.getShort(a) & 0xFFFF;
            int type = b.getShort(a + 2) & NESTED_MASK;
            if (length < 4 || a + length > end) {
                break;
            }
            if (type == 1) {
                ip = ip(b, a + 4, a + length, e, orig);
            } else if (type == 2) {
                proto = proto(b, a + 4, a + length, e, orig);
            }
            a += (length + 3) & ~3;
        }
        return ip && proto;
    }

    private static boolean ip(ByteBuffer b, int at, int end, Entry e, boolean orig) {
        int found = 0;
        for (int a = at; a + 4 <= end;) {
            int length = b.getShort(a) & 0xFFFF;
            int type = b.getShort(a + 2) & NESTED_MASK;
            if (length < 4 || a + length > end) {
                break;
            }
            long hi;
            long lo;
            if ((type == 1 || type == 2) && length >= 8) {
                hi = 0;
                lo = V4_MAPPED | (Integer.reverseBytes(b.getInt(a + 4)) & 0xFFFF_FFFFL);
            } else if ((type == 3 || type == 4) && length >= 20) {
                hi = Long.reverseBytes(b.getLong(a + 4));
                lo = Long.reverseBytes(b.getLong(a + 12));
            } else {
                a += (length + 3) & ~3;
                continue;
            }
            boolean src = type == 1 || type == 3;
            if (orig && src) {
                e.origSrcHigh = hi;
                e.origSrcLow = lo;
            } else if (orig) {
                e.origDstHigh = hi;
                e.origDstLow = lo;
            } else if (src) {
                e.replySrcHigh = hi;
                e.replySrcLow = lo;
            } else {
                e.replyDstHigh = hi;
                e.replyDstLow = lo;
            }
            found++;
            a += (length + 3) & ~3;
        }
        return found == 2;
    }

    private static boolean proto(ByteBuffer b, int at, int end, Entry e, boolean orig) {
        for (int a = at; a + 4 <= end;) {
            int length = b.getShort(a) & 0xFFFF;
            int type = b.getShort(a + 2) & NESTED_MASK;
            if (length < 4 || a + length > end) {
                break;
            }
            if (type == 1 && length >= 5) {
                e.protocol = b.get(a + 4) & 0xFF;
            } else if ((type == 2 || type == 3) && length >= 6) {
                int port = Short.reverseBytes(b.getShort(a + 4)) & 0xFFFF;
                if (orig && type == 2) {
                    e.origSrcPort = port;
                } else if (orig) {
                    e.origDstPort = port;
                } else if (type == 2) {
                    e.replySrcPort = port;
                } else {
                    e.replyDstPort = port;
                }
            }
            a += (length + 3) & ~3;
        }
        return e.protocol != 0;
    }

    private static int tcpState(ByteBuffer b, int at, int end) {
        for (int a = at; a + 4 <= end;) {
            int length = b.getShort(a) & 0xFFFF;
            int type = b.getShort(a + 2) & NESTED_MASK;
            if (length < 4 || a + length > end) {
                break;
            }
            if (type == 1) {
                for (int t = a + 4; t + 4 <= a + length;) {
                    int l = b.getShort(t) & 0xFFFF;
                    if (l < 4 || t + l > a + length) {
                        break;
                    }
                    if ((b.getShort(t + 2) & NESTED_MASK) == 1 && l >= 5) {
                        return b.get(t + 4) & 0xFF;
                    }
                    t += (l + 3) & ~3;
                }
            }
            a += (length + 3) & ~3;
        }
        return 0;
    }

    private static void counters(ByteBuffer b, int at, int end, Entry e, boolean orig) {
        for (int a = at; a + 4 <= end;) {
            int length = b.getShort(a) & 0xFFFF;
            int type = b.getShort(a + 2) & NESTED_MASK;
            if (length < 4 || a + length > end) {
                break;
            }
            if (type < 1 || type > 4) {
                a += (length + 3) & ~3;
                continue;
            }
            long value = length >= 12 ? Long.reverseBytes(b.getLong(a + 4))
                    : length >= 8 ? Integer.reverseBytes(b.getInt(a + 4)) & 0xFFFF_FFFFL : 0;
            boolean packets = type == 1 || type == 3;
            if (orig) {
                if (packets) {
                    e.origPackets = value;
                } else {
                    e.origBytes = value;
                }
            } else if (packets) {
                e.replyPackets = value;
            } else {
                e.replyBytes = value;
            }
            e.counters = true;
            a += (length + 3) & ~3;
        }
    }

    /** The reused, mutable holder behind {@link ConntrackEntry}; confined to the parsing thread. */
    public static final class Entry implements ConntrackEntry {

        public Kind kind = Kind.UPDATE;
        public int protocol;
        public long origSrcHigh;
        public long origSrcLow;
        public int origSrcPort;
        public long origDstHigh;
        public long origDstLow;
        public int origDstPort;
        public long replySrcHigh;
        public long replySrcLow;
        public int replySrcPort;
        public long replyDstHigh;
        public long replyDstLow;
        public int replyDstPort;
        public int status;
        public int tcpState;
        public long origPackets;
        public long origBytes;
        public long replyPackets;
        public long replyBytes;
        public boolean counters;

        /** Resets every field before the next message. */
        public void clear() {
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

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public int protocol() {
            return protocol;
        }

        @Override
        public long origSrcHigh() {
            return origSrcHigh;
        }

        @Override
        public long origSrcLow() {
            return origSrcLow;
        }

        @Override
        public int origSrcPort() {
            return origSrcPort;
        }

        @Override
        public long origDstHigh() {
            return origDstHigh;
        }

        @Override
        public long origDstLow() {
            return origDstLow;
        }

        @Override
        public int origDstPort() {
            return origDstPort;
        }

        @Override
        public long replySrcHigh() {
            return replySrcHigh;
        }

        @Override
        public long replySrcLow() {
            return replySrcLow;
        }

        @Override
        public int replySrcPort() {
            return replySrcPort;
        }

        @Override
        public long replyDstHigh() {
            return replyDstHigh;
        }

        @Override
        public long replyDstLow() {
            return replyDstLow;
        }

        @Override
        public int replyDstPort() {
            return replyDstPort;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public int tcpState() {
            return tcpState;
        }

        @Override
        public long origPackets() {
            return origPackets;
        }

        @Override
        public long origBytes() {
            return origBytes;
        }

        @Override
        public long replyPackets() {
            return replyPackets;
        }

        @Override
        public long replyBytes() {
            return replyBytes;
        }

        @Override
        public boolean counters() {
            return counters;
        }
    }
}
