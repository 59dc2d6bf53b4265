package org.cartograph.dns.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.cartograph.flow.IpAddress;

/** Builds DNS messages and the IP packets carrying them, for tests. */
final class Packets {

    private Packets() {
    }

    /** A DNS message under construction. */
    static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Msg header(int id, int flags, int qd, int an, int ns, int ar) {
            return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
        }

        Msg name(String name) {
            if (!name.isEmpty()) {
                for (String label : name.split("\\.")) {
                    byte[] b = label.getBytes(StandardCharsets.ISO_8859_1);
                    out.write(b.length);
                    out.writeBytes(b);
                }
            }
            out.write(0);
            return this;
        }

        Msg u8(int v) {
            out.write(v);
            return this;
        }

        Msg u16(int v) {
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Msg u32(long v) {
            return u16((int) (v >>> 16)).u16((int) v);
        }

        Msg bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] build() {
            return out.toByteArray();
        }
    }

    static Msg msg() {
        return new Msg();
    }

    static byte[] query(int id, String name, int qtype) {
        return msg().header(id, 0x0100, 1, 0, 0, 0).name(name).u16(qtype).u16(1).build();
    }

    /** A response with the question and one A/AAAA answer per address (compressed owner name). */
    static byte[] response(int id, String name, int qtype, int rcode, int ttl, String... addresses) {
        Msg m = msg().header(id, 0x8180 | rcode, 1, addresses.length, 0, 0).name(name).u16(qtype).u16(1);
        for (String a : addresses) {
            byte[] raw = IpAddress.parse(a).family() == org.cartograph.flow.Family.V4
                    ? IpAddress.parse(a).toBytes() : IpAddress.parse(a).toBytes();
            m.u16(0xC00C).u16(raw.length == 4 ? 1 : 28).u16(1).u32(ttl).u16(raw.length).bytes(raw);
        }
        return m.build();
    }

    /** An IPv4 or IPv6 UDP packet from its network header on. */
    static byte[] udp(String src, int sport, String dst, int dport, byte[] payload) {
        byte[] l4 = new byte[8 + payload.length];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        put16(l4, 4, l4.length);
        System.arraycopy(payload, 0, l4, 8, payload.length);
        return ip(src, dst, 17, l4);
    }

    /** A TCP segment carrying one length-prefixed DNS message. */
    static byte[] tcp(String src, int sport, String dst, int dport, byte[] payload) {
        byte[] l4 = new byte[20 + 2 + payload.length];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        l4[12] = 0x50;
        l4[13] = 0x18;
        put16(l4, 20, payload.length);
        System.arraycopy(payload, 0, l4, 22, payload.length);
        return ip(src, dst, 6, l4);
    }

    /** A TCP segment with the given sequence number, flags (FIN 1, SYN 2, RST 4, PSH 8, ACK 16) and raw payload. */
    static byte[] segment(String src, int sport, String dst, int dport, int seq, int flags, byte[] payload) {
        byte[] l4 = new byte[20 + payload.length];
        put16(l4, 0, sport);
        put16(l4, 2, dport);
        put16(l4, 4, seq >>> 16);
        put16(l4, 6, seq);
        l4[12] = 0x50;
        l4[13] = (byte) flags;
        System.arraycopy(payload, 0, l4, 20, payload.length);
        return ip(src, dst, 6, l4);
    }

    /** @return the messages, each behind its 2-byte length, one after the other (a TCP byte stream) */
    static byte[] framed(byte[]... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            out.write(m.length >>> 8);
            out.write(m.length);
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    static byte[] ip(String src, String dst, int proto, byte[] l4) {
        byte[] s = IpAddress.parse(src).toBytes();
        byte[] d = IpAddress.parse(dst).toBytes();
        if (s.length == 4) {
            byte[] p = new byte[20 + l4.length];
            p[0] = 0x45;
            put16(p, 2, p.length);
            p[8] = 64;
            p[9] = (byte) proto;
            System.arraycopy(s, 0, p, 12, 4);
            System.arraycopy(d, 0, p, 16, 4);
            System.arraycopy(l4, 0, p, 20, l4.length);
            return p;
        }
        byte[] p = new byte[40 + l4.length];
        p[0] = 0x60;
        put16(p, 4, l4.length);
        p[6] = (byte) proto;
        p[7] = 64;
        System.arraycopy(s, 0, p, 8, 16);
        System.arraycopy(d, 0, p, 24, 16);
        System.arraycopy(l4, 0, p, 40, l4.length);
        return p;
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
