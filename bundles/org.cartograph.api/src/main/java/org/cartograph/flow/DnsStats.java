package org.cartograph.flow;

import java.util.Map;
import java.util.Objects;

/**
 * DNS traffic of one (client, server, domain, query type) during one interval.
 *
 * @param client          the querying address
 * @param server          the DNS server's address
 * @param domain          the queried name, lower case, without the trailing dot
 * @param queryType       the query type mnemonic ({@code A}, {@code AAAA}, ...)
 * @param queries         queries sent
 * @param timeouts        queries that got no answer within the configured timeout
 * @param rcodes          answers by response code name ({@code NOERROR}, {@code NXDOMAIN}, ...); unmodifiable
 * @param latencySumMicros sum of answer latencies in microseconds
 * @param latencyP50Micros median answer latency in microseconds
 * @param latencyP99Micros 99th percentile answer latency in microseconds
 */
public record DnsStats(IpAddress client, IpAddress server, String domain, String queryType, long queries,
                       long timeouts, Map<String, Long> rcodes, long latencySumMicros, long latencyP50Micros,
                       long latencyP99Micros) {

    /** Checks required parts and copies the map. */
    public DnsStats {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(queryType, "queryType");
        rcodes = rcodes == null ? Map.of() : Map.copyOf(rcodes);
    }
}
