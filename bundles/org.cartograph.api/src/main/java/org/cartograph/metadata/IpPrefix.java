package org.cartograph.metadata;

import java.util.Objects;

import org.cartograph.flow.Family;
import org.cartograph.flow.IpAddress;

/**
 * A CIDR block. For IPv4 the length counts from the start of the IPv4 address, as usual
 * ({@code 10.0.0.0/8}).
 *
 * @param address the network address
 * @param length  the prefix length (0..32 for IPv4, 0..128 for IPv6)
 */
public record IpPrefix(IpAddress address, int length) {

    /** Checks the length against the family. */
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = address.family() == Family.V4 ? 32 : 128;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " out of 0.." + max + " for " + address);
        }
    }

    /**
     * @param text e.g. {@code 10.0.0.0/8} or {@code 2600:1f00::/24}
     * @return the prefix
     * @throws IllegalArgumentException naming the text if it is not a CIDR block
     */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR block (no '/'): '" + text + "'");
        }
        try {
            return new IpPrefix(IpAddress.parse(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR block (bad length): '" + text + "'", e);
        }
    }

    /** @return the prefix length in the 128-bit IPv6 form (IPv4 lengths plus 96) */
    public int length128() {
        return address.family() == Family.V4 ? length + 96 : length;
    }

    /**
     * @param ip an address
     * @return whether the address lies in this block
     */
    public boolean contains(IpAddress ip) {
        int bits = length128();
        long hiMask = bits >= 64 ? -1L : (bits == 0 ? 0 : -1L << (64 - bits));
        long loMask = bits <= 64 ? 0 : (bits == 128 ? -1L : -1L << (128 - bits));
        return (ip.high() & hiMask) == (address.high() & hiMask) && (ip.low() & loMask) == (address.low() & loMask);
    }

    @Override
    public String toString() {
        return address + "/" + length;
    }
}
