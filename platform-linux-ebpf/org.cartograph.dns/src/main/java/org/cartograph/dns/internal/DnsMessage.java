package org.cartograph.dns.internal;

/**
 * One parsed DNS message, reused for every packet: the parser overwrites it in place, so nothing
 * is allocated per packet. Only valid after {@link DnsParser#parse} returned {@link DnsParser#OK}.
 * Not thread-safe: one per capture thread.
 */
public final class DnsMessage {

    /** Most addresses kept from one answer section; further ones are skipped. */
    public static final int MAX_ADDRESSES = 16;
    /** Longest name in its text form (255 wire bytes less the length and root bytes). */
    public static final int MAX_NAME_TEXT = 253;

    int id;
    boolean response;
    int opcode;
    int rcode;
    boolean truncated;
    int questionCount;
    int answerCountDeclared;
    int qtype;
    int qclass;
    final byte[] name = new byte[256];
    int nameLength;
    int nameHash;
    int addressCount;
    final long[] addressHigh = new long[MAX_ADDRESSES];
    final long[] addressLow = new long[MAX_ADDRESSES];
    final int[] addressTtl = new int[MAX_ADDRESSES];
    /** {@link DnsParser#OK}, or why the answer section was given up (the header and question stay valid). */
    int answerError;

    /** @return the transaction id */
    public int id() {
        return id;
    }

    /** @return whether the QR bit says response */
    public boolean isResponse() {
        return response;
    }

    /** @return the response code (0-15) */
    public int rcode() {
        return rcode;
    }

    /** @return the first question's type */
    public int qtype() {
        return qtype;
    }

    /** @return the first question's class */
    public int qclass() {
        return qclass;
    }

    /** @return the opcode (0 for a standard query) */
    public int opcode() {
        return opcode;
    }

    /** @return the length of the question name in its text form, lower case, without trailing dot */
    public int nameLength() {
        return nameLength;
    }

    /** @return a hash of the question name bytes */
    public int nameHash() {
        return nameHash;
    }

    /** @return the buffer holding the question name (first {@link #nameLength()} bytes) */
    public byte[] nameBytes() {
        return name;
    }

    /** @return the question name as a new string (allocates: tests and rare paths only) */
    public String nameString() {
        return new String(name, 0, nameLength, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** @return how many A/AAAA addresses the answer section held (at most {@link #MAX_ADDRESSES}) */
    public int addressCount() {
        return addressCount;
    }

    /** @param i index @return the address' first 64 bits in the IPv6 (or IPv4-mapped) form */
    public long addressHigh(int i) {
        return addressHigh[i];
    }

    /** @param i index @return the address' last 64 bits */
    public long addressLow(int i) {
        return addressLow[i];
    }

    /** @param i index @return the record's TTL in seconds */
    public int addressTtl(int i) {
        return addressTtl[i];
    }

    /** @return why the answer section was given up, or {@link DnsParser#OK} */
    public int answerError() {
        return answerError;
    }

    /** @return whether the TC bit is set */
    public boolean isTruncated() {
        return truncated;
    }
}
