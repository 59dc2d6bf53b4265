package org.cartograph.kafka.internal.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.cartograph.flow.IpAddress;

/**
 * Writes protobuf wire format into a growable array that is reused from one batch to the next.
 * Scalar field methods follow proto3: a field holding its default value is not written. A
 * nested message or packed field is opened with {@link #begin} and closed with {@link #end},
 * which fills in its length. Not thread-safe.
 */
final class ProtoWriter {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;

    private byte[] buf;
    private int pos;

    ProtoWriter(int capacity) {
        buf = new byte[capacity];
    }

    /** Forgets what was written, keeping the array. */
    void reset() {
        pos = 0;
    }

    int position() {
        return pos;
    }

    /** @param position an earlier {@link #position()}: forgets what was written after it */
    void truncate(int position) {
        pos = position;
    }

    /** Copies what was written into {@code dest} at {@code offset}. */
    void copyTo(byte[] dest, int offset) {
        System.arraycopy(buf, 0, dest, offset, pos);
    }

    /** Appends what {@code other} holds. */
    void append(ProtoWriter other) {
        ensure(other.pos);
        System.arraycopy(other.buf, 0, buf, pos, other.pos);
        pos += other.pos;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    void tag(int field, int wireType) {
        varint((field << 3) | wireType);
    }

    /** Writes an unsigned varint of the low 32 bits. */
    void varint(int value) {
        varint(value & 0xFFFF_FFFFL);
    }

    void varint(long value) {
        ensure(10);
        byte[] b = buf;
        int p = pos;
        while ((value & ~0x7FL) != 0) {
            b[p++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        b[p++] = (byte) value;
        pos = p;
    }

    /** A {@code uint32} field, or an enum. */
    void uint32(int field, int value) {
        if (value != 0) {
            tag(field, VARINT);
            varint(value);
        }
    }

    /** A {@code int32} field: negative values take ten bytes, as protobuf writes them. */
    void int32(int field, int value) {
        if (value != 0) {
            tag(field, VARINT);
            varint((long) value);
        }
    }

    void uint64(int field, long value) {
        if (value != 0) {
            tag(field, VARINT);
            varint(value);
        }
    }

    void bool(int field, boolean value) {
        if (value) {
            tag(field, VARINT);
            varint(1);
        }
    }

    void fixed64(int field, long value) {
        if (value != 0) {
            tag(field, FIXED64);
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) (value >>> (8 * i));
            }
        }
    }

    /** An address as 4 (IPv4) or 16 (IPv6) bytes in network order, always written. */
    void address(int field, IpAddress a) {
        tag(field, LENGTH_DELIMITED);
        ensure(17);
        if (a.high() == 0 && (a.low() >>> 32) == 0xFFFFL) {
            buf[pos++] = 4;
            putBigEndian(a.low(), 4);
        } else {
            buf[pos++] = 16;
            putBigEndian(a.high(), 8);
            putBigEndian(a.low(), 8);
        }
    }

    private void putBigEndian(long value, int bytes) {
        for (int i = bytes - 1; i >= 0; i--) {
            buf[pos++] = (byte) (value >>> (8 * i));
        }
    }

    void string(int field, String value) {
        if (!value.isEmpty()) {
            bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    void bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        varint(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, pos, value.length);
        pos += value.length;
    }

    /**
     * Opens a nested message or packed field, reserving one byte for its length.
     *
     * @return the mark to pass to {@link #end}
     */
    int begin(int field) {
        tag(field, LENGTH_DELIMITED);
        ensure(1);
        return pos++;
    }

    /** Closes what {@link #begin} opened, moving its content if the length needs more than one byte. */
    void end(int mark) {
        int length = pos - mark - 1;
        if (length < 0x80) {
            buf[mark] = (byte) length;
            return;
        }
        int extra = (32 - Integer.numberOfLeadingZeros(length) + 6) / 7 - 1;
        ensure(extra);
        System.arraycopy(buf, mark + 1, buf, mark + 1 + extra, length);
        int end = pos + extra;
        pos = mark;
        varint(length);
        pos = end;
    }
}
