package org.cartograph.dns.internal;

/**
 * Finds the DNS message inside an IP packet (IPv4 or IPv6, UDP or TCP) as a packet socket of type
 * {@code SOCK_DGRAM} delivers it: starting at the network header. Trusts nothing, allocates
 * nothing; the result lands in the decoder's own fields, valid until the next call. For UDP the
 * payload is the DNS message; for TCP it is the segment's payload (possibly empty) with its
 * sequence number and flags, for {@link TcpReassembler}. Not thread-safe.
 */
public final class PacketDecoder {

    /** A DNS message was found. */
    public static final int OK = 0;
    /** Not IPv4 or IPv6, or a header runs past the captured bytes. */
    public static final int E_BAD_IP = 1;
    /** A fragment (only unfragmented packets are read). */
    public static final int E_FRAGMENT = 2;
    /** Not UDP or TCP (e.g. IPv6 extension headers). */
    public static final int E_PROTOCOL = 3;
    /** A UDP or TCP header runs past the captured bytes. */
    public static final int E_BAD_TRANSPORT = 4;
    /** How many codes there are. */
    public static final int CODES = 5;
    /** TCP flag FIN. */
    public static final int FIN = 0x01;
    /** TCP flag SYN. */
    public static final int SYN = 0x02;
    /** TCP flag RST. */
    public static final int RST = 0x04;

    private static final long V4_MAPPED = 0xFFFF_0000_0000L;

    long srcHigh;
    long srcLow;
    long dstHigh;
    long dstLow;
    int srcPort;
    int dstPort;
    boolean tcp;
    boolean ipv6;
    int payloadOffset;
    int payloadLength;
    int tcpSeq;
    int tcpFlags;

    /**
     * @param p   the packet from its network header on
     * @param len captured length
     * @return {@link #OK} (then the addresses, ports and payload are set) or a code
     */
    public int decode(byte[] p, int len) {
        if (len < 20 || len > p.length) {
            return E_BAD_IP;
        }
        int version = (p[0] & 0xF0) >>> 4;
        int proto;
        int l4;
        int end;
        if (version == 4) {
            int ihl = (p[0] & 0x0F) * 4;
            int total = u16(p, 2);
            if (ihl < 20 || total < ihl || ihl > len) {
                return E_BAD_IP;
            }
            end = Math.min(total, len);
            if ((u16(p, 6) & 0x3FFF) != 0) {
                return E_FRAGMENT;
            }
            proto = p[9] & 0xFF;
            srcHigh = 0;
            srcLow = V4_MAPPED | u32(p, 12);
            dstHigh = 0;
            dstLow = V4_MAPPED | u32(p, 16);
            ipv6 = false;
            l4 = ihl;
        } else if (version == 6) {
            if (len < 40) {
                return E_BAD_IP;
            }
            end = Math.min(40 + u16(p, 4), len);
            proto = p[6] & 0xFF;
            srcHigh = u64(p, 8);
            srcLow = u64(p, 16);
            dstHigh = u64(p, 24);
            dstLow = u64(p, 32);
            ipv6 = true;
            l4 = 40;
        } else {
            return E_BAD_IP;
        }
        if (proto == 17) {
            if (l4 + 8 > end) {
                return E_BAD_TRANSPORT;
            }
            srcPort = u16(p, l4);
            dstPort = u16(p, l4 + 2);
            int udpLen = u16(p, l4 + 4);
            if (udpLen < 8) {
                return E_BAD_TRANSPORT;
            }
            tcp = false;
            payloadOffset = l4 + 8;
            payloadLength = Math.min(udpLen, end - l4) - 8;
            return OK;
        }
        if (proto == 6) {
            if (l4 + 20 > end) {
                return E_BAD_TRANSPORT;
            }
            srcPort = u16(p, l4);
            dstPort = u16(p, l4 + 2);
            int dataOffset = ((p[l4 + 12] & 0xF0) >>> 4) * 4;
            if (dataOffset < 20 || l4 + dataOffset > end) {
                return E_BAD_TRANSPORT;
            }
            tcp = true;
            tcpSeq = (int) u32(p, l4 + 4);
            tcpFlags = p[l4 + 13] & 0x3F;
            payloadOffset = l4 + dataOffset;
            payloadLength = end - payloadOffset;
            return OK;
        }
        return E_PROTOCOL;
    }

    /**
     * @param code a decoder code
     * @return its name for counters
     */
    public static String codeName(int code) {
        return switch (code) {
            case OK -> "ok";
            case E_BAD_IP -> "bad_ip";
            case E_FRAGMENT -> "fragment";
            case E_PROTOCOL -> "protocol";
            case E_BAD_TRANSPORT -> "bad_transport";
            default -> "unknown";
        };
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    private static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    private static long u64(byte[] b, int i) {
        return (u32(b, i) << 32) | u32(b, i + 4);
    }
}
