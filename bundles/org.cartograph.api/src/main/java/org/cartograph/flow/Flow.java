package org.cartograph.flow;

import java.util.List;
import java.util.Objects;

import org.cartograph.enrich.TagSet;

/**
 * What one connection did during one interval, with both ends named as far as the agent knows.
 * Immutable; the {@code with*} methods return modified copies (used by taggers' callers and mesh
 * resolvers).
 *
 * @param key           the connection as seen from the local host
 * @param cookie        the kernel's socket cookie, or 0 when the backend has none
 * @param pid           the owning process id, 0 if unknown
 * @param process       the owning process name, empty if unknown
 * @param cgroupId      the owning cgroup v2 id, 0 if unknown
 * @param direction     who opened the connection
 * @param intraHost     whether the remote address belongs to this host
 * @param ephemeralLocalPort whether the local port lies in the host's ephemeral range
 * @param preexisting   whether the connection existed before capture started (its first interval's
 *                      delta then covers everything since it opened)
 * @param closed        whether the connection closed during this interval
 * @param delta         counters of this interval only
 * @param cumulative    counters since the connection opened
 * @param nat           the translated tuple when the connection's packets were NATed, else null
 * @param dnsNames      names the remote address was resolved from, most recent first; unmodifiable
 * @param localTags     tags of the local end (process, container, pod, service, ...)
 * @param remoteTags    tags of the remote end
 */
public record Flow(ConnectionKey key, long cookie, int pid, String process, long cgroupId, Direction direction,
                   boolean intraHost, boolean ephemeralLocalPort, boolean preexisting, boolean closed,
                   ConnectionStats delta, ConnectionStats cumulative, ConnectionKey nat, List<String> dnsNames,
                   TagSet localTags, TagSet remoteTags) {

    /** Checks required parts and copies lists. */
    public Flow {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(delta, "delta");
        Objects.requireNonNull(cumulative, "cumulative");
        process = process == null ? "" : process;
        dnsNames = dnsNames == null ? List.of() : List.copyOf(dnsNames);
        localTags = localTags == null ? TagSet.EMPTY : localTags;
        remoteTags = remoteTags == null ? TagSet.EMPTY : remoteTags;
    }

    /**
     * @param local  the new local tags
     * @param remote the new remote tags
     * @return a copy with these tags
     */
    public Flow withTags(TagSet local, TagSet remote) {
        return new Flow(key, cookie, pid, process, cgroupId, direction, intraHost, ephemeralLocalPort, preexisting,
                closed, delta, cumulative, nat, dnsNames, local, remote);
    }

    /**
     * @param translated the translated tuple, or null
     * @return a copy with this NAT tuple
     */
    public Flow withNat(ConnectionKey translated) {
        return new Flow(key, cookie, pid, process, cgroupId, direction, intraHost, ephemeralLocalPort, preexisting,
                closed, delta, cumulative, translated, dnsNames, localTags, remoteTags);
    }

    /**
     * @param names the DNS names of the remote address
     * @return a copy with these names
     */
    public Flow withDnsNames(List<String> names) {
        return new Flow(key, cookie, pid, process, cgroupId, direction, intraHost, ephemeralLocalPort, preexisting,
                closed, delta, cumulative, nat, names, localTags, remoteTags);
    }

    /**
     * @param newKey the rewritten connection key (e.g. the service behind a sidecar hop)
     * @return a copy with this key
     */
    public Flow withKey(ConnectionKey newKey) {
        return new Flow(newKey, cookie, pid, process, cgroupId, direction, intraHost, ephemeralLocalPort, preexisting,
                closed, delta, cumulative, nat, dnsNames, localTags, remoteTags);
    }
}
