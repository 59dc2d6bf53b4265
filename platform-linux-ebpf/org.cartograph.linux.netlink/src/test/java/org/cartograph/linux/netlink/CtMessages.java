package org.cartograph.linux.netlink;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds ctnetlink messages as the kernel sends them, for tests against fakes. */
public final class CtMessages {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /**
     * Appends one conntrack entry message.
     *
     * @param type   0x100 new/update, 0x102 destroy
     * @param flags  netlink flags (0x400 create for NEW)
     * @param orig   {srcIp, dstIp, srcPort, dstPort} (IPv4, host order ints)
     * @param reply  the same for the reply tuple
     * @param status conntrack status bits
     */
    public CtMessages entry(int type, int flags, int[] orig, int[] reply, int status) {
        byte[] attrs = concat(tuple(1, orig), tuple(2, reply), attr(3, be32(status)));
        ByteBuffer b = ByteBuffer.allocate(16 + 4 + attrs.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
        b.put((byte) 2).put((byte) 0).putShort((short) 0).put(attrs);
        out.writeBytes(b.array());
        return this;
    }

    /** @return this, with an {@code NLMSG_DONE} appended (the end of a dump) */
    public CtMessages done() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(20).putShort((short) 3).putShort((short) 2).putInt(0).putInt(0).putInt(0);
        out.writeBytes(b.array());
        return this;
    }

    /**
     * Appends an {@code NLMSG_ERROR} reply.
     *
     * @param errno the positive errno the kernel reports (negated on the wire)
     * @return this
     */
    public CtMessages error(int errno) {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(20).putShort((short) 2).putShort((short) 0).putInt(0).putInt(0).putInt(-errno);
        out.writeBytes(b.array());
        return this;
    }

    /** @return what was appended, in a direct little-endian buffer ready to read */
    public ByteBuffer buffer() {
        byte[] bytes = out.toByteArray();
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(bytes).flip();
        return b;
    }

    private static byte[] tuple(int type, int[] t) {
        byte[] ip = nested(1, concat(attr(1, be32(t[0])), attr(2, be32(t[1]))));
        byte[] proto = nested(2, concat(attr(1, new byte[] {6}), attr(2, be16(t[2])), attr(3, be16(t[3]))));
        return nested(type, concat(ip, proto));
    }

    private static byte[] nested(int type, byte[] body) {
        return attr(type | 0x8000, body);
    }

    /** @return one netlink attribute: length, type, value, padded to 4 bytes */
    public static byte[] attr(int type, byte[] value) {
        int length = 4 + value.length;
        ByteBuffer b = ByteBuffer.allocate((length + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) length).putShort((short) type).put(value);
        return b.array();
    }

    private static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] be16(int v) {
        return ByteBuffer.allocate(2).putShort((short) v).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
