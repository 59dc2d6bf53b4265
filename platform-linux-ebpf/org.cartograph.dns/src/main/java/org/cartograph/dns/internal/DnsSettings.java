package org.cartograph.dns.internal;

/**
 * What the engine honours, taken from the component's configuration.
 *
 * @param collectStats    keep statistics (the reverse cache works either way)
 * @param collectDomains  key statistics by domain; otherwise the domain is empty
 * @param timeoutNanos    a query without answer after this long is a timeout
 * @param maxStats        most statistics keys per interval
 * @param maxPending      most queries waiting for their answer
 * @param collectLocal    also count queries to loopback resolvers
 * @param queryTypes      query type numbers recorded; empty means all
 * @param ports           DNS server ports
 * @param reverseCacheSize most addresses in the reverse cache
 * @param reverseGraceNanos how long a reverse entry outlives its TTL
 * @param maxTcpStreams   most DNS-over-TCP streams reassembled at once
 */
public record DnsSettings(boolean collectStats, boolean collectDomains, long timeoutNanos, int maxStats,
                          int maxPending, boolean collectLocal, int[] queryTypes, int[] ports, int reverseCacheSize,
                          long reverseGraceNanos, int maxTcpStreams) {

    /** Copies arrays and checks bounds. */
    public DnsSettings {
        queryTypes = queryTypes.clone();
        ports = ports.clone();
        if (maxStats < 1 || maxPending < 1 || reverseCacheSize < 1 || maxTcpStreams < 1 || timeoutNanos <= 0) {
            throw new IllegalArgumentException("DNS limits must be positive");
        }
        for (int p : ports) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("not a port: " + p);
            }
        }
    }
}
