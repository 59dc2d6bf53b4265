package org.cartograph.metadata.cloud.internal;

import java.util.Locale;

/** The published IP-range file formats this provider reads. */
enum RangeFormat {
    /** AWS {@code ip-ranges.json}: {@code prefixes[].ip_prefix}, {@code ipv6_prefixes[].ipv6_prefix}. */
    AWS("aws"),
    /** GCP {@code cloud.json}: {@code prefixes[].ipv4Prefix|ipv6Prefix}, {@code scope}, {@code service}. */
    GCP("gcp"),
    /** Azure {@code ServiceTags_*.json}: {@code values[].properties.addressPrefixes}. */
    AZURE("azure");

    private final String provider;

    RangeFormat(String provider) {
        this.provider = provider;
    }

    /** @return the {@code cloud_provider} tag value */
    String provider() {
        return provider;
    }

    /**
     * @param text {@code aws}, {@code gcp} or {@code azure}, any case
     * @return the format
     * @throws IllegalArgumentException naming the text otherwise
     */
    static RangeFormat of(String text) {
        for (RangeFormat f : values()) {
            if (f.provider.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown IP-range format '" + text + "': use aws, gcp or azure");
    }
}
