package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cartograph.flow.IpAddress;
import org.junit.jupiter.api.Test;

class DnsParserTest {

    private final DnsParser parser = new DnsParser();
    private final DnsMessage msg = new DnsMessage();

    private int parse(byte[] b) {
        return parser.parse(b, 0, b.length, msg);
    }

    @Test
    void readsAQuery() {
        assertEquals(DnsParser.OK, parse(Packets.query(0x1234, "WWW.Example.COM", 28)));
        assertEquals(0x1234, msg.id());
        assertFalse(msg.isResponse());
        assertEquals(28, msg.qtype());
        assertEquals("www.example.com", msg.nameString());
    }

    @Test
    void readsAResponseWithCompressedAnswers() {
        byte[] r = Packets.response(7, "api.example.org", 1, 0, 300, "192.0.2.7", "2001:db8::7");
        assertEquals(DnsParser.OK, parse(r));
        assertTrue(msg.isResponse());
        assertEquals(0, msg.rcode());
        assertEquals(2, msg.addressCount());
        assertEquals(IpAddress.parse("192.0.2.7"), new IpAddress(msg.addressHigh(0), msg.addressLow(0)));
        assertEquals(IpAddress.parse("2001:db8::7"), new IpAddress(msg.addressHigh(1), msg.addressLow(1)));
        assertEquals(300, msg.addressTtl(0));
    }

    @Test
    void readsTheRootName() {
        assertEquals(DnsParser.OK, parse(Packets.query(1, "", 2)));
        assertEquals("", msg.nameString());
    }

    @Test
    void followsABackwardPointerInTheQuestion() {
        byte[] m = Packets.msg().header(1, 0x0100, 2, 0, 0, 0).name("example.com").u16(1).u16(1)
                .u8(3).bytes("www".getBytes()).u16(0xC00C).u16(1).u16(1).build();
        assertEquals(DnsParser.OK, parse(m));
        assertEquals("example.com", msg.nameString());
    }

    @Test
    void rejectsAPointerToItself() {
        byte[] m = Packets.msg().header(1, 0x0100, 1, 0, 0, 0).u16(0xC00C).u16(1).u16(1).build();
        assertEquals(DnsParser.E_BAD_POINTER, parse(m));
    }

    @Test
    void rejectsAPointerLoopThroughTwoNames() {
        byte[] m = Packets.msg().header(1, 0x0100, 1, 0, 0, 0).u8(1).u8('a').u16(0xC00C).u16(1).u16(1).build();
        assertEquals(DnsParser.E_BAD_POINTER, parse(m));
    }

    @Test
    void rejectsForwardAndOutOfRangePointers() {
        byte[] forward = Packets.msg().header(1, 0x0100, 1, 0, 0, 0).u16(0xC00E).name("x").u16(1).u16(1).build();
        assertEquals(DnsParser.E_BAD_POINTER, parse(forward));
        byte[] outside = Packets.msg().header(1, 0x0100, 1, 0, 0, 0).u16(0xFFFF).u16(1).u16(1).build();
        assertEquals(DnsParser.E_BAD_POINTER, parse(outside));
    }

    @Test
    void rejectsLabelTypesThatMeanLongerThan63() {
        byte[] m = Packets.msg().header(1, 0x0100, 1, 0, 0, 0).u8(64).bytes(new byte[64]).u8(0).u16(1).u16(1).build();
        assertEquals(DnsParser.E_BAD_LABEL, parse(m));
    }

    @Test
    void rejectsNamesLongerThan255() {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + label;
        assertEquals(DnsParser.E_NAME_TOO_LONG, parse(Packets.query(1, name, 1)));
        String longest = label + "." + label + "." + label + "." + "a".repeat(61);
        assertEquals(DnsParser.OK, parse(Packets.query(1, longest, 1)));
        assertEquals(253, msg.nameLength());
    }

    @Test
    void rejectsTruncatedMessages() {
        byte[] q = Packets.query(1, "example.com", 1);
        for (int len = 0; len < q.length; len++) {
            int r = parser.parse(q, 0, len, msg);
            assertTrue(r == DnsParser.E_SHORT_HEADER || r == DnsParser.E_TRUNCATED, "length " + len + ": " + r);
        }
    }

    @Test
    void countsThatLieSpoilOnlyTheAnswers() {
        byte[] r = Packets.response(9, "a.example", 1, 0, 60, "192.0.2.1");
        r[7] = 50;
        assertEquals(DnsParser.OK, parse(r));
        assertEquals(DnsParser.E_TRUNCATED, msg.answerError());
        assertEquals(0, msg.addressCount());
        byte[] noQuestion = Packets.query(1, "x", 1);
        noQuestion[5] = 0;
        assertEquals(DnsParser.E_QUESTION_COUNT, parse(noQuestion));
        byte[] many = Packets.query(1, "x", 1);
        many[4] = (byte) 0xFF;
        assertEquals(DnsParser.E_QUESTION_COUNT, parse(many));
    }

    @Test
    void rejectsRdataPastTheEnd() {
        byte[] r = Packets.response(9, "a.example", 1, 0, 60, "192.0.2.1");
        r[r.length - 5] = 9;
        assertEquals(DnsParser.OK, parse(r));
        assertEquals(DnsParser.E_TRUNCATED, msg.answerError());
    }

    @Test
    void rejectsOtherOpcodesAndBadBounds() {
        byte[] q = Packets.query(1, "x", 1);
        q[2] = 0x28;
        assertEquals(DnsParser.E_OPCODE, parse(q));
        assertEquals(DnsParser.E_SHORT_HEADER, parser.parse(q, 5, q.length, msg));
        assertEquals(DnsParser.E_SHORT_HEADER, parser.parse(q, -1, 12, msg));
    }

    @Test
    void decodesIpv4AndIpv6UdpAndTcp() {
        PacketDecoder d = new PacketDecoder();
        byte[] q = Packets.query(1, "x.example", 1);
        byte[] v4 = Packets.udp("10.0.0.1", 5555, "10.0.0.2", 53, q);
        assertEquals(PacketDecoder.OK, d.decode(v4, v4.length));
        assertEquals(5555, d.srcPort);
        assertEquals(53, d.dstPort);
        assertEquals(IpAddress.parse("10.0.0.2"), new IpAddress(d.dstHigh, d.dstLow));
        assertEquals(DnsParser.OK, parser.parse(v4, d.payloadOffset, d.payloadLength, msg));
        byte[] v6 = Packets.tcp("fd00::1", 4444, "fd00::2", 53, q);
        assertEquals(PacketDecoder.OK, d.decode(v6, v6.length));
        assertTrue(d.tcp);
        assertEquals(IpAddress.parse("fd00::1"), new IpAddress(d.srcHigh, d.srcLow));
        assertEquals(2 + q.length, d.payloadLength, "a TCP payload is the segment's, length prefix included");
        assertEquals(0x18, d.tcpFlags);
        assertEquals(DnsParser.OK, parser.parse(v6, d.payloadOffset + 2, d.payloadLength - 2, msg));
        assertEquals("x.example", msg.nameString());
        byte[] frag = v4.clone();
        frag[6] = 0x20;
        assertEquals(PacketDecoder.E_FRAGMENT, d.decode(frag, frag.length));
        assertEquals(PacketDecoder.E_BAD_IP, d.decode(v4, 10));
    }
}
