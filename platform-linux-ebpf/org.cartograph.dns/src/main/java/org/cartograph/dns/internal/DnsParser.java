package org.cartograph.dns.internal;

/**
 * Parses DNS messages without trusting them: every read is bounds-checked against the message's
 * end, compression pointers must point strictly backwards (so no loop can form and no pointer
 * leaves the message), labels longer than 63 bytes, names longer than 255 wire bytes and counts
 * that promise more records than the message holds are reported as errors. Returns an error code
 * instead of throwing and allocates nothing: it fills a reused {@link DnsMessage}.
 * Not thread-safe; one per capture thread.
 */
public final class DnsParser {

    /** Parsed. */
    public static final int OK = 0;
    /** Shorter than the 12-byte header. */
    public static final int E_SHORT_HEADER = 1;
    /** No question (QDCOUNT 0) or an unreasonable number of them. */
    public static final int E_QUESTION_COUNT = 2;
    /** A name or record runs past the end of the message. */
    public static final int E_TRUNCATED = 3;
    /** A label type other than plain (00) or pointer (11): such a label byte says length > 63. */
    public static final int E_BAD_LABEL = 4;
    /** A name longer than 255 bytes on the wire. */
    public static final int E_NAME_TOO_LONG = 5;
    /** A compression pointer pointing forwards, at itself or outside the message. */
    public static final int E_BAD_POINTER = 6;
    /** Not a standard query (opcode other than QUERY). */
    public static final int E_OPCODE = 7;
    /** Number of error codes (for counters indexed by code). */
    public static final int CODES = 8;

    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;
    private static final int MAX_QUESTIONS = 4;
    private static final int MAX_ANSWERS = 256;
    private static final long V4_MAPPED = 0xFFFF_0000_0000L;

    /** The position after the name last read; set by {@link #readName}. */
    private int after;

    /**
     * @param code an error code
     * @return its name for counters and status
     */
    public static String codeName(int code) {
        return switch (code) {
            case OK -> "ok";
            case E_SHORT_HEADER -> "short_header";
            case E_QUESTION_COUNT -> "question_count";
            case E_TRUNCATED -> "truncated";
            case E_BAD_LABEL -> "bad_label";
            case E_NAME_TOO_LONG -> "name_too_long";
            case E_BAD_POINTER -> "bad_pointer";
            case E_OPCODE -> "opcode";
            default -> "unknown";
        };
    }

    /**
     * Parses the message in {@code buf[off, off+len)}. For responses with answers, the answer
     * section is read too; a malformed answer section leaves the header and question valid and
     * sets {@link DnsMessage#answerError()}.
     *
     * @param buf  the bytes
     * @param off  where the DNS message starts
     * @param len  its length
     * @param out  filled in
     * @return {@link #OK} or an error code
     */
    public int parse(byte[] buf, int off, int len, DnsMessage out) {
        if (off < 0 || len < 12 || off + len > buf.length || off + len < 0) {
            return E_SHORT_HEADER;
        }
        int end = off + len;
        out.id = u16(buf, off);
        int flags = u16(buf, off + 2);
        out.response = (flags & 0x8000) != 0;
        out.opcode = (flags >>> 11) & 0xF;
        out.truncated = (flags & 0x0200) != 0;
        out.rcode = flags & 0xF;
        out.questionCount = u16(buf, off + 4);
        out.answerCountDeclared = u16(buf, off + 6);
        out.addressCount = 0;
        out.answerError = OK;
        out.nameLength = 0;
        if (out.opcode != 0) {
            return E_OPCODE;
        }
        if (out.questionCount == 0 || out.questionCount > MAX_QUESTIONS) {
            return E_QUESTION_COUNT;
        }
        int r = readName(buf, off, off + 12, end, out);
        if (r != OK) {
            return r;
        }
        int pos = after;
        if (pos + 4 > end) {
            return E_TRUNCATED;
        }
        out.qtype = u16(buf, pos);
        out.qclass = u16(buf, pos + 2);
        pos += 4;
        if (!out.response || out.rcode != 0 || out.answerCountDeclared == 0) {
            return OK;
        }
        out.answerError = readAnswers(buf, off, pos, end, out);
        if (out.answerError != OK) {
            out.addressCount = 0;
        }
        return OK;
    }

    private int readAnswers(byte[] buf, int base, int start, int end, DnsMessage out) {
        int pos = start;
        for (int q = 1; q < out.questionCount; q++) {
            int r = readName(buf, base, pos, end, null);
            if (r != OK) {
                return r;
            }
            pos = after + 4;
            if (pos > end) {
                return E_TRUNCATED;
            }
        }
        int answers = Math.min(out.answerCountDeclared, MAX_ANSWERS);
        for (int i = 0; i < answers; i++) {
            int r = readName(buf, base, pos, end, null);
            if (r != OK) {
                return r;
            }
            pos = after;
            if (pos + 10 > end) {
                return E_TRUNCATED;
            }
            int type = u16(buf, pos);
            int cls = u16(buf, pos + 2);
            int ttl = (int) Math.min(Integer.MAX_VALUE, u32(buf, pos + 4));
            int rdlength = u16(buf, pos + 8);
            pos += 10;
            if (pos + rdlength > end) {
                return E_TRUNCATED;
            }
            if (cls == CLASS_IN && out.addressCount < DnsMessage.MAX_ADDRESSES) {
                int n = out.addressCount;
                if (type == TYPE_A && rdlength == 4) {
                    out.addressHigh[n] = 0;
                    out.addressLow[n] = V4_MAPPED | u32(buf, pos);
                    out.addressTtl[n] = ttl;
                    out.addressCount = n + 1;
                } else if (type == TYPE_AAAA && rdlength == 16) {
                    out.addressHigh[n] = u64(buf, pos);
                    out.addressLow[n] = u64(buf, pos + 8);
                    out.addressTtl[n] = ttl;
                    out.addressCount = n + 1;
                }
            }
            pos += rdlength;
        }
        return OK;
    }

    /**
     * Reads a possibly compressed name starting at {@code start}; sets {@link #after} to the
     * position after it in the record that contains it. With {@code out}, writes its text form
     * (lower case, dot-separated, no trailing dot) and hash into the message.
     */
    private int readName(byte[] buf, int base, int start, int end, DnsMessage out) {
        int pos = start;
        int lowest = start;
        int resume = -1;
        int wire = 1;
        int text = 0;
        int hash = 0;
        byte[] name = out == null ? null : out.name;
        while (true) {
            if (pos >= end) {
                return E_TRUNCATED;
            }
            int b = buf[pos] & 0xFF;
            if (b == 0) {
                after = resume < 0 ? pos + 1 : resume;
                if (out != null) {
                    out.nameLength = text;
                    out.nameHash = hash;
                }
                return OK;
            }
            int kind = b & 0xC0;
            if (kind == 0xC0) {
                if (pos + 1 >= end) {
                    return E_TRUNCATED;
                }
                int target = base + (((b & 0x3F) << 8) | (buf[pos + 1] & 0xFF));
                if (target >= lowest || target < base) {
                    return E_BAD_POINTER;
                }
                if (resume < 0) {
                    resume = pos + 2;
                }
                lowest = target;
                pos = target;
                continue;
            }
            if (kind != 0) {
                return E_BAD_LABEL;
            }
            wire += b + 1;
            if (wire > 255) {
                return E_NAME_TOO_LONG;
            }
            if (pos + 1 + b > end) {
                return E_TRUNCATED;
            }
            if (name != null) {
                if (text > 0) {
                    name[text++] = '.';
                    hash = hash * 31 + '.';
                }
                for (int i = pos + 1, e = pos + 1 + b; i < e; i++) {
                    byte c = buf[i];
                    if (c >= 'A' && c <= 'Z') {
                        c = (byte) (c + 32);
                    }
                    name[text++] = c;
                    hash = hash * 31 + c;
                }
            }
            pos += 1 + b;
        }
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
