package org.cartograph.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 address as two 64-bit halves of the 128-bit IPv6 form. IPv4 addresses are
 * held as IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}), so an IPv4 peer seen on a
 * dual-stack socket and the same peer seen on an IPv4 socket are equal.
 *
 * @param high the first 64 bits of the IPv6 form
 * @param low  the last 64 bits of the IPv6 form
 */
public record IpAddress(long high, long low) implements Comparable<IpAddress> {

    private static final long V4_MAPPED_PREFIX = 0x0000_FFFFL << 32;

    /**
     * @param ipv4 an IPv4 address in host order ({@code 10.0.0.1} is {@code 0x0A000001})
     * @return the address
     */
    public static IpAddress ofV4(int ipv4) {
        return new IpAddress(0, V4_MAPPED_PREFIX | (ipv4 & 0xFFFF_FFFFL));
    }

    /**
     * @param bytes 4 or 16 bytes in network order
     * @return the address
     * @throws IllegalArgumentException if the array has another length
     */
    public static IpAddress ofBytes(byte[] bytes) {
        if (bytes.length == 4) {
            return ofV4(((bytes[0] & 0xFF) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF));
        }
        if (bytes.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + bytes.length);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (bytes[i] & 0xFF);
            lo = (lo << 8) | (bytes[i + 8] & 0xFF);
        }
        return new IpAddress(hi, lo);
    }

    /**
     * @param address a JDK address
     * @return the same address
     */
    public static IpAddress of(InetAddress address) {
        return ofBytes(address.getAddress());
    }

    /**
     * Parses a numeric IPv4 (four dotted decimals) or IPv6 literal (no zone); never performs a DNS lookup.
     *
     * @param text e.g. {@code 10.0.0.1}, {@code ::1} or {@code ::ffff:10.0.0.1}
     * @return the address
     * @throws IllegalArgumentException naming the text if it is not an IP literal
     */
    public static IpAddress parse(String text) {
        String t = text.strip();
        boolean v6 = t.indexOf(':') >= 0 && t.indexOf('%') < 0 && t.chars().allMatch(c -> c == ':' || c == '.'
                || Character.digit(c, 16) >= 0);
        boolean v4 = t.indexOf(':') < 0 && t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP address literal: '" + text + "'");
        }
        try {
            return of(InetAddress.getByName(t));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: '" + text + "'", e);
        }
    }

    /** @return {@link Family#V4} for IPv4 (and IPv4-mapped) addresses, else {@link Family#V6} */
    public Family family() {
        return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_PREFIX ? Family.V4 : Family.V6;
    }

    /** @return the IPv4 address in host order; meaningful only when {@link #family()} is V4 */
    public int v4() {
        return (int) low;
    }

    /** @return whether this is a loopback address (127.0.0.0/8 or ::1) */
    public boolean isLoopback() {
        return family() == Family.V4 ? (v4() >>> 24) == 127 : high == 0 && low == 1;
    }

    /** @return 4 bytes for IPv4, 16 for IPv6, network order */
    public byte[] toBytes() {
        if (family() == Family.V4) {
            int v = v4();
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[i + 8] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    /** @return the JDK form of this address */
    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: address length is 4 or 16", e);
        }
    }

    /** @return the canonical text: dotted quad for IPv4, RFC 5952 compressed form for IPv6 */
    @Override
    public String toString() {
        if (family() == Family.V4) {
            int v = v4();
            return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
        }
        return compressV6();
    }

    private String compressV6() {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) ((high >>> (48 - 16 * i)) & 0xFFFF);
            groups[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }
}
