package org.cartograph.kafka.internal.schema;

import java.nio.charset.StandardCharsets;

import org.cartograph.flow.IpAddress;

/**
 * Reads protobuf wire format from an array without copying it. A nested message is read by
 * narrowing the limit ({@link #push}) and restoring it ({@link #pop}). Malformed input throws
 * {@link IllegalArgumentException}. Not thread-safe.
 */
final class ProtoReader {

    private byte[] buf;
    private int pos;
    private int limit;

    /** Starts reading {@code bytes} from the beginning. */
    void reset(byte[] bytes) {
        buf = bytes;
        pos = 0;
        limit = bytes.length;
    }

    boolean more() {
        return pos < limit;
    }

    int position() {
        return pos;
    }

    /** @return the next field's tag (field number and wire type), never 0 */
    int tag() {
        long tag = varint();
        if (tag == 0 || tag > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad field tag " + tag + " at " + pos);
        }
        return (int) tag;
    }

    long varint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new IllegalArgumentException("truncated varint");
            }
            byte b = buf[pos++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than ten bytes");
    }

    long fixed64() {
        if (limit - pos < 8) {
            throw new IllegalArgumentException("truncated fixed64");
        }
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = (value << 8) | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return value;
    }

    /** @return the length of a length-delimited field, checked against what is left */
    int length() {
        long length = varint();
        if (length < 0 || length > limit - pos) {
            throw new IllegalArgumentException("length " + length + " beyond the end");
        }
        return (int) length;
    }

    /** Narrows the limit to the length-delimited field that follows; @return the limit to restore */
    int push() {
        int length = length();
        int outer = limit;
        limit = pos + length;
        return outer;
    }

    /** Restores the limit {@link #push} returned, after the nested field was read to its end. */
    void pop(int outer) {
        pos = limit;
        limit = outer;
    }

    /** Skips the length-delimited field that follows; @return its start offset */
    int skipLengthDelimited() {
        int length = length();
        int start = pos;
        pos += length;
        return start;
    }

    /** Moves to {@code offset} within the whole array and reads until {@code end}. */
    void range(int offset, int end) {
        pos = offset;
        limit = end;
    }

    String string() {
        int length = length();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /** @return an address of 4 or 16 bytes in network order */
    IpAddress address() {
        int length = length();
        int p = pos;
        pos += length;
        if (length == 4) {
            return IpAddress.ofV4((int) bigEndian(p, 4));
        }
        if (length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + length);
        }
        return new IpAddress(bigEndian(p, 8), bigEndian(p + 8, 8));
    }

    private long bigEndian(int p, int bytes) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = (value << 8) | (buf[p + i] & 0xFF);
        }
        return value;
    }

    /** Skips a field of this wire type. */
    void skip(int wireType) {
        switch (wireType) {
            case ProtoWriter.VARINT -> varint();
            case ProtoWriter.FIXED64 -> {
                if (limit - pos < 8) {
                    throw new IllegalArgumentException("truncated fixed64");
                }
                pos += 8;
            }
            case ProtoWriter.LENGTH_DELIMITED -> skipLengthDelimited();
            case 5 -> {
                if (limit - pos < 4) {
                    throw new IllegalArgumentException("truncated fixed32");
                }
                pos += 4;
            }
            default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
        }
    }
}
