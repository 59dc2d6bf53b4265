package org.cartograph.flow;

import java.util.Map;
import java.util.Objects;

/**
 * DNS traffic of one (client, server, domain, query type) during one interval. The
 * {@code latency*} components cover every answer; {@link #successLatency()} and
 * {@link #failureLatency()} split them by outcome. Immutable and safe to share between threads.
 *
 * @param client          the querying address
 * @param server          the DNS server's address
 * @param domain          the queried name, lower case, without the trailing dot
 * @param queryType       the query type mnemonic ({@code A}, {@code AAAA}, ...)
 * @param queries         queries sent
 * @param timeouts        queries that got no answer within the configured timeout
 * @param rcodes          answers by response code name ({@code NOERROR}, {@code NXDOMAIN}, ...); unmodifiable
 * @param latencySumMicros sum of answer latencies in microseconds (every answer)
 * @param latencyP50Micros median answer latency in microseconds (every answer)
 * @param latencyP99Micros 99th percentile answer latency in microseconds (every answer)
 * @param successLatency  latencies of successful answers (rcode {@code NOERROR}); never null
 * @param failureLatency  latencies of failed answers (any other rcode); never null
 * @since 1.1
 */
public record DnsStats(IpAddress client, IpAddress server, String domain, String queryType, long queries,
                       long timeouts, Map<String, Long> rcodes, long latencySumMicros, long latencyP50Micros,
                       long latencyP99Micros, DnsLatency successLatency, DnsLatency failureLatency) {

    /** Checks required parts and copies the map; a null latency split becomes {@link DnsLatency#NONE}. */
    public DnsStats {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(queryType, "queryType");
        rcodes = rcodes == null ? Map.of() : Map.copyOf(rcodes);
        successLatency = successLatency == null ? DnsLatency.NONE : successLatency;
        failureLatency = failureLatency == null ? DnsLatency.NONE : failureLatency;
    }

    /**
     * Statistics without the success/failure split (both {@link DnsLatency#NONE}): the shape of
     * version 1.0 of this record, kept so that its callers still compile.
     *
     * @param client           the querying address
     * @param server           the DNS server's address
     * @param domain           the queried name
     * @param queryType        the query type mnemonic
     * @param queries          queries sent
     * @param timeouts         queries that timed out
     * @param rcodes           answers by response code name
     * @param latencySumMicros sum of answer latencies in microseconds
     * @param latencyP50Micros median answer latency in microseconds
     * @param latencyP99Micros 99th percentile answer latency in microseconds
     */
    public DnsStats(IpAddress client, IpAddress server, String domain, String queryType, long queries,
                    long timeouts, Map<String, Long> rcodes, long latencySumMicros, long latencyP50Micros,
                    long latencyP99Micros) {
        this(client, server, domain, queryType, queries, timeouts, rcodes, latencySumMicros, latencyP50Micros,
                latencyP99Micros, DnsLatency.NONE, DnsLatency.NONE);
    }
}
