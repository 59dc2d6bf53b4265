package org.cartograph.store.internal;

import java.net.InetAddress;
import java.util.Locale;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;

/**
 * The traffic class of a flow, from the cloud tags of both ends (provider, region, zone, from
 * instance metadata or cloud IP-range attribution) and the remote address. Pure and thread-safe.
 */
enum TrafficClass {
    /** Both ends on this host. */
    INTRA_HOST,
    /** Both ends in the same availability zone. */
    SAME_ZONE,
    /** Same region, zone of one end unknown. */
    SAME_REGION,
    /** Same region, different zones. */
    CROSS_ZONE,
    /** Same provider, different regions. */
    CROSS_REGION,
    /** Different cloud providers. */
    CROSS_CLOUD,
    /** A public address not attributed to any cloud. */
    INTERNET_EGRESS,
    /** A private address outside any known zone (on-premises, VPN, same network). */
    PRIVATE,
    /** Not enough information. */
    UNKNOWN;

    /** The label, computed once: it is written with every flow row. */
    private final String label = name().toLowerCase(Locale.ROOT);

    private static final String[] PROVIDER = {"cloud_provider", "cloud"};
    private static final String[] REGION = {"region", "cloud_region"};
    private static final String[] ZONE = {"availability_zone", "zone", "availability-zone"};

    /** @return the name used in the store, the API and the price table, e.g. {@code cross_zone} */
    String label() {
        return label;
    }

    /**
     * @param flow a flow with its tags
     * @return its class
     */
    static TrafficClass of(Flow flow) {
        if (flow.intraHost() || flow.direction() == Direction.LOCAL || flow.key().remoteAddress().isLoopback()) {
            return INTRA_HOST;
        }
        TagSet local = flow.localTags();
        TagSet remote = flow.remoteTags();
        String lp = first(local, PROVIDER);
        String rp = first(remote, PROVIDER);
        if (lp != null && rp != null && !lp.equalsIgnoreCase(rp)) {
            return CROSS_CLOUD;
        }
        String lr = first(local, REGION);
        String rr = first(remote, REGION);
        if (lr != null && rr != null && !lr.equalsIgnoreCase(rr)) {
            return CROSS_REGION;
        }
        String lz = first(local, ZONE);
        String rz = first(remote, ZONE);
        if (lz != null && rz != null) {
            return lz.equalsIgnoreCase(rz) ? SAME_ZONE : CROSS_ZONE;
        }
        if (lr != null && rr != null) {
            return SAME_REGION;
        }
        boolean remoteCloud = rp != null || rr != null || rz != null;
        if (!remoteCloud) {
            if (isPublic(flow.key().remoteAddress())) {
                return INTERNET_EGRESS;
            }
            return PRIVATE;
        }
        return UNKNOWN;
    }

    private static String first(TagSet tags, String[] names) {
        for (String n : names) {
            String v = tags.get(n);
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    /**
     * @param address an address
     * @return whether it is globally routable (not private, loopback, link-local, CGNAT or unique-local)
     */
    static boolean isPublic(IpAddress address) {
        InetAddress a = address.toInetAddress();
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xFF;
            int second = b[1] & 0xFF;
            return !(first == 100 && second >= 64 && second < 128) && first != 0 && first < 224;
        }
        return (b[0] & 0xFE) != 0xFC;
    }
}
