package org.cartograph.dns.internal;

import java.util.Locale;

/** Mnemonics of query types and the response-code buckets reported in statistics. */
public final class DnsNames {

    /** Response-code buckets, in {@link #rcodeBucket} order. */
    public static final String[] RCODE_BUCKETS = {"NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "OTHER"};

    private static final String[] TYPES = new String[256];

    static {
        String[][] known = {{"1", "A"}, {"2", "NS"}, {"5", "CNAME"}, {"6", "SOA"}, {"12", "PTR"}, {"13", "HINFO"},
            {"15", "MX"}, {"16", "TXT"}, {"28", "AAAA"}, {"33", "SRV"}, {"35", "NAPTR"}, {"39", "DNAME"},
            {"41", "OPT"}, {"43", "DS"}, {"46", "RRSIG"}, {"47", "NSEC"}, {"48", "DNSKEY"}, {"64", "SVCB"},
            {"65", "HTTPS"}, {"99", "SPF"}, {"252", "AXFR"}, {"255", "ANY"}};
        for (int i = 0; i < TYPES.length; i++) {
            TYPES[i] = "TYPE" + i;
        }
        for (String[] k : known) {
            TYPES[Integer.parseInt(k[0])] = k[1];
        }
    }

    private DnsNames() {
    }

    /**
     * @param type a query type number
     * @return its mnemonic, or {@code TYPEn} (RFC 3597); no allocation below 256
     */
    public static String type(int type) {
        if (type >= 0 && type < TYPES.length) {
            return TYPES[type];
        }
        return type == 257 ? "CAA" : "TYPE" + type;
    }

    /**
     * @param mnemonic e.g. {@code AAAA} or {@code TYPE65}
     * @return its number, or -1 if unknown
     */
    public static int typeNumber(String mnemonic) {
        String m = mnemonic.strip().toUpperCase(Locale.ROOT);
        for (int i = 0; i < TYPES.length; i++) {
            if (TYPES[i].equals(m)) {
                return i;
            }
        }
        if (m.equals("CAA")) {
            return 257;
        }
        if (m.startsWith("TYPE")) {
            try {
                int n = Integer.parseInt(m.substring(4));
                return n >= 0 && n <= 0xFFFF ? n : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * @param rcode a response code
     * @return its index in {@link #RCODE_BUCKETS}
     */
    public static int rcodeBucket(int rcode) {
        return switch (rcode) {
            case 0 -> 0;
            case 3 -> 1;
            case 2 -> 2;
            case 5 -> 3;
            default -> 4;
        };
    }
}
