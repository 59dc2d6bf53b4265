package org.cartograph.metadata.cloud.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.metadata.IpPrefix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a published IP-range file into prefix → (provider, region, service). When a prefix is
 * listed more than once (AWS lists EC2 blocks under {@code AMAZON} too; Azure lists them under
 * {@code AzureCloud.region} and under a service tag), the most specific listing wins: a named
 * service in a region, then a named service, then a region. Entries without a usable prefix are
 * skipped and counted. Stateless and thread-safe.
 */
final class RangeParser {

    /** Where one prefix belongs. */
    record Owner(String provider, String region, String service) {

        /** @return higher for more specific listings */
        int rank() {
            boolean s = !service.isEmpty();
            boolean r = !region.isEmpty();
            return (s ? 2 : 0) + (r ? 1 : 0);
        }
    }

    /** The result of one file. */
    record Ranges(Map<IpPrefix, Owner> prefixes, int skipped) {
    }

    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param format the file's format
     * @param body   the file's bytes
     * @return its prefixes
     * @throws IOException when the bytes are not JSON or lack the format's top-level list
     */
    Ranges parse(RangeFormat format, byte[] body) throws IOException {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        Collector c = new Collector();
        switch (format) {
            case AWS -> {
                JsonNode v4 = list(root, "prefixes", format);
                v4.forEach(p -> c.add(p.path("ip_prefix").asText(""),
                        new Owner("aws", p.path("region").asText(""), aws(p.path("service").asText("")))));
                root.path("ipv6_prefixes").forEach(p -> c.add(p.path("ipv6_prefix").asText(""),
                        new Owner("aws", p.path("region").asText(""), aws(p.path("service").asText("")))));
            }
            case GCP -> list(root, "prefixes", format).forEach(p -> {
                String prefix = p.path("ipv4Prefix").asText(p.path("ipv6Prefix").asText(""));
                c.add(prefix, new Owner("gcp", p.path("scope").asText(""), p.path("service").asText("")));
            });
            case AZURE -> list(root, "values", format).forEach(v -> {
                JsonNode props = v.path("properties");
                Owner owner = new Owner("azure", props.path("region").asText(""),
                        props.path("systemService").asText(""));
                JsonNode prefixes = props.path("addressPrefixes");
                if (!prefixes.isArray()) {
                    c.skipped++;
                    return;
                }
                prefixes.forEach(p -> c.add(p.asText(""), owner));
            });
            default -> throw new IllegalStateException("format " + format);
        }
        return new Ranges(c.map, c.skipped);
    }

    /** AWS's umbrella {@code AMAZON} names no particular service. */
    private static String aws(String service) {
        return service.equals("AMAZON") ? "" : service;
    }

    private static JsonNode list(JsonNode root, String field, RangeFormat format) throws IOException {
        JsonNode n = root.path(field);
        if (!n.isArray()) {
            throw new IOException("no '" + field + "' array: not a " + format.provider() + " IP-range file");
        }
        return n;
    }

    private static final class Collector {
        final Map<IpPrefix, Owner> map = new HashMap<>();
        int skipped;

        void add(String text, Owner owner) {
            IpPrefix prefix;
            try {
                prefix = IpPrefix.parse(text);
            } catch (IllegalArgumentException e) {
                skipped++;
                return;
            }
            map.merge(prefix, owner, (a, b) -> b.rank() > a.rank() ? b : a);
        }
    }

    /**
     * @param ranges prefixes of one or more files
     * @return the prefixes grouped by owner
     */
    static Map<Owner, List<IpPrefix>> byOwner(Map<IpPrefix, Owner> ranges) {
        Map<Owner, List<IpPrefix>> groups = new HashMap<>();
        ranges.forEach((p, o) -> groups.computeIfAbsent(o, k -> new ArrayList<>()).add(p));
        return groups;
    }
}
