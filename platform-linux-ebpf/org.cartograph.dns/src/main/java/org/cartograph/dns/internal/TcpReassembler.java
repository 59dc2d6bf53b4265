package org.cartograph.dns.internal;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reassembles DNS-over-TCP streams (RFC 1035 4.2.2: each message preceded by a 2-byte length) and
 * hands every complete message to a {@link Sink}: several messages in one segment, one message over
 * several segments. Each direction of a connection is one stream, keyed by its addresses and ports
 * (not by network namespace: the same segment seen in two namespaces is the same stream, and its
 * second copy is a duplicate).
 *
 * <p>Sequence numbers decide what is new: a segment wholly before the next expected byte (a
 * retransmission, or a second copy) is dropped and counted; the old part of an overlapping segment
 * is trimmed; a segment after a gap (lost or reordered) drops the partial message: when its length
 * was read the stream resumes at its end (bytes before it are skipped), otherwise at that segment,
 * which is then taken to start a message. A length below a DNS header's 12
 * bytes desynchronises the stream: its bytes are dropped (counted) until the next segment. A stream
 * starts at its SYN or, when the capture joined an open connection, at its first segment with data.
 * FIN drops that direction, RST both. At most {@code maxStreams} streams are held (the least recently
 * used gives way, counted) and a stream idle for the idle time is dropped (counted). A stream's
 * buffer holds at most one message, at most 65,535 + 2 bytes; it grows with the bytes received (not
 * with the length a message claims) and is kept for the stream's next message.
 * Single-threaded (the caller's lock); lookups allocate nothing, a new stream allocates its state.
 */
final class TcpReassembler {

    /** Where complete messages go, synchronously. */
    interface Sink {
        /**
         * @param buf      holds the message (valid only during the call)
         * @param offset   where it starts (after its length prefix)
         * @param length   its length
         * @param nowNanos when the segment that completed it was received
         */
        void message(byte[] buf, int offset, int length, long nowNanos);
    }

    /** The largest buffer a stream can need: a 65,535-byte message and its prefix. */
    static final int MAX_BUFFER = 65_535 + 2;
    private static final int MIN_MESSAGE = 12;
    private static final int FIRST_BUFFER = 512;

    /** One direction of a connection; also the lookup key. */
    private static final class Stream {
        long srcHigh;
        long srcLow;
        long dstHigh;
        long dstLow;
        int ports;
        int nextSeq;
        long lastNanos;
        byte[] buf;
        int fill;

        Stream set(long sh, long sl, long dh, long dl, int sport, int dport) {
            srcHigh = sh;
            srcLow = sl;
            dstHigh = dh;
            dstLow = dl;
            ports = (sport << 16) | dport;
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Stream s && s.ports == ports && s.srcLow == srcLow && s.dstLow == dstLow
                    && s.srcHigh == srcHigh && s.dstHigh == dstHigh;
        }

        @Override
        public int hashCode() {
            long x = ((srcHigh * 31 + srcLow) * 31 + dstHigh) * 31 + dstLow;
            return NameInterner.mix((int) (x ^ (x >>> 32)) * 31 + ports);
        }
    }

    private final Sink sink;
    private final int maxStreams;
    private final long idleNanos;
    private final Stream probe = new Stream();
    /** Access order: the eldest entry is the least recently used stream. */
    private final LinkedHashMap<Stream, Stream> streams;
    private long messages;
    private long reassembled;
    private long duplicates;
    private long overlaps;
    private long gaps;
    private long badLengths;
    private long evictions;
    private long expired;

    /**
     * @param sink       receives complete messages
     * @param maxStreams most streams held at once
     * @param idleNanos  a stream without segments for this long is dropped
     */
    TcpReassembler(Sink sink, int maxStreams, long idleNanos) {
        this.sink = sink;
        this.maxStreams = maxStreams;
        this.idleNanos = idleNanos;
        this.streams = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Stream, Stream> eldest) {
                if (size() > TcpReassembler.this.maxStreams) {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Takes one decoded TCP segment (from a DNS port or to one).
     *
     * @param p   the packet
     * @param d   the decoder that just decoded it ({@code tcp} set)
     * @param now when it was received
     */
    void segment(byte[] p, PacketDecoder d, long now) {
        int flags = d.tcpFlags;
        Stream s = streams.get(probe.set(d.srcHigh, d.srcLow, d.dstHigh, d.dstLow, d.srcPort, d.dstPort));
        if (s != null) {
            s.lastNanos = now;
        }
        if ((flags & PacketDecoder.RST) != 0) {
            streams.remove(probe);
            streams.remove(probe.set(d.dstHigh, d.dstLow, d.srcHigh, d.srcLow, d.dstPort, d.srcPort));
            return;
        }
        int seq = d.tcpSeq;
        int off = d.payloadOffset;
        int len = d.payloadLength;
        if ((flags & PacketDecoder.SYN) != 0) {
            seq++;
            if (s == null || s.nextSeq != seq) {
                s = open(seq, now);
            }
        }
        if (len > 0) {
            if (s == null) {
                s = open(seq, now);
            }
            int behind = s.nextSeq - seq;
            if (behind < 0) {
                gaps++;
                behind = s.fill >= 2 ? s.nextSeq + 2 + u16(s.buf, 0) - s.fill - seq : 0;
                s.fill = 0;
                if (behind < 0) {
                    behind = 0;
                }
                s.nextSeq = seq + behind;
            } else if (behind >= len) {
                duplicates++;
            } else if (behind > 0) {
                overlaps++;
            }
            if (behind >= len) {
                len = 0;
            } else {
                off += behind;
                len -= behind;
                seq += behind;
            }
            if (len > 0) {
                s.nextSeq = seq + len;
                consume(s, p, off, len, now);
            }
        }
        if ((flags & PacketDecoder.FIN) != 0 && s != null) {
            streams.remove(probe.set(d.srcHigh, d.srcLow, d.dstHigh, d.dstLow, d.srcPort, d.dstPort));
        }
    }

    private Stream open(int seq, long now) {
        Stream s = new Stream().set(probe.srcHigh, probe.srcLow, probe.dstHigh, probe.dstLow, probe.ports >>> 16,
                probe.ports & 0xFFFF);
        s.nextSeq = seq;
        s.lastNanos = now;
        streams.put(s, s);
        return s;
    }

    private void consume(Stream s, byte[] p, int off, int len, long now) {
        while (len > 0 && s.fill > 0) {
            if (s.fill < 2) {
                s.buf[s.fill++] = p[off++];
                len--;
                continue;
            }
            int need = 2 + u16(s.buf, 0);
            if (need - 2 < MIN_MESSAGE) {
                badLengths++;
                s.fill = 0;
                return;
            }
            int take = Math.min(need - s.fill, len);
            if (s.buf.length < s.fill + take) {
                s.buf = Arrays.copyOf(s.buf, Math.min(need, Math.max(s.buf.length * 2, s.fill + take)));
            }
            System.arraycopy(p, off, s.buf, s.fill, take);
            s.fill += take;
            off += take;
            len -= take;
            if (s.fill == need) {
                s.fill = 0;
                messages++;
                reassembled++;
                sink.message(s.buf, 2, need - 2, now);
            }
        }
        while (len >= 2) {
            int m = u16(p, off);
            if (m < MIN_MESSAGE) {
                badLengths++;
                return;
            }
            if (len < 2 + m) {
                break;
            }
            messages++;
            sink.message(p, off + 2, m, now);
            off += 2 + m;
            len -= 2 + m;
        }
        if (len > 0) {
            if (s.buf == null || s.buf.length < len) {
                s.buf = new byte[Math.max(FIRST_BUFFER, len)];
            }
            System.arraycopy(p, off, s.buf, 0, len);
            s.fill = len;
        }
    }

    /** @param now drops streams idle since before {@code now - idle} */
    void expire(long now) {
        Iterator<Stream> it = streams.values().iterator();
        while (it.hasNext()) {
            Stream s = it.next();
            if (now - s.lastNanos < idleNanos) {
                break;
            }
            it.remove();
            expired++;
        }
    }

    /** @param c receives the counters, named {@code tcp_*} */
    void counters(Map<String, Long> c) {
        c.put("tcp_streams", (long) streams.size());
        c.put("tcp_messages", messages);
        c.put("tcp_reassembled_messages", reassembled);
        c.put("tcp_duplicate_segments", duplicates);
        c.put("tcp_overlapping_segments", overlaps);
        c.put("tcp_gaps", gaps);
        c.put("tcp_bad_lengths", badLengths);
        c.put("tcp_stream_evictions", evictions);
        c.put("tcp_stream_idle_drops", expired);
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
