package org.cartograph.sink.prometheus.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsStats;
import org.cartograph.flow.FlowBatch;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The DNS metrics, from {@link FlowBatch#dns()}: labels {@code dns_server} and {@code query_type},
 * plus {@code domain} when configured (off by default: domains are unbounded), capped by a
 * {@link SeriesLimiter}. Latency is exported as the sum of answer latencies (divide its rate by
 * the rate of responses for the mean) and the highest per-domain p99 of the last interval. Not
 * thread-safe: {@link #record} runs on the sink's thread.
 */
final class DnsMetrics {

    private final boolean withDomain;
    private final SeriesLimiter<Series> limiter;
    private final Counter queries;
    private final Counter timeouts;
    private final Counter responses;
    private final Counter latency;
    private final Gauge p99;
    private final String[] values;

    /** The data points of one label set. */
    private final class Series {
        final String[] labels;
        final CounterDataPoint queryPoint;
        final CounterDataPoint timeoutPoint;
        final CounterDataPoint latencyPoint;
        final GaugeDataPoint p99Point;
        final Map<String, CounterDataPoint> byRcode = new HashMap<>(4);
        long p99Batch = -1;

        Series(List<String> key) {
            labels = key.toArray(String[]::new);
            queryPoint = queries.labelValues(labels);
            timeoutPoint = timeouts.labelValues(labels);
            latencyPoint = latency.labelValues(labels);
            p99Point = p99.labelValues(labels);
        }

        CounterDataPoint rcode(String rcode) {
            return byRcode.computeIfAbsent(rcode, r -> {
                String[] withRcode = Arrays.copyOf(labels, labels.length + 1);
                withRcode[labels.length] = r;
                return responses.labelValues(withRcode);
            });
        }

        void remove() {
            queries.remove(labels);
            timeouts.remove(labels);
            latency.remove(labels);
            p99.remove(labels);
            List<String> prefix = List.of(labels);
            responses.removeIf(v -> v.subList(0, labels.length).equals(prefix));
        }
    }

    /**
     * @param withDomain whether {@code domain} is a label
     * @param limit      label sets admitted besides {@code other}
     * @param registry   where the metrics are registered
     */
    DnsMetrics(boolean withDomain, int limit, PrometheusRegistry registry) {
        this.withDomain = withDomain;
        String[] names = withDomain ? new String[] {"dns_server", "query_type", "domain"}
                : new String[] {"dns_server", "query_type"};
        String[] withRcode = Arrays.copyOf(names, names.length + 1);
        withRcode[names.length] = "rcode";
        values = new String[names.length];
        queries = Counter.builder().name("cartograph_dns_queries").help("DNS queries sent").labelNames(names)
                .withoutExemplars().register(registry);
        timeouts = Counter.builder().name("cartograph_dns_timeouts").help("DNS queries that got no answer in time")
                .labelNames(names).withoutExemplars().register(registry);
        responses = Counter.builder().name("cartograph_dns_responses").help("DNS answers by response code")
                .labelNames(withRcode).withoutExemplars().register(registry);
        latency = Counter.builder().name("cartograph_dns_response_time_seconds").unit(Unit.SECONDS)
                .help("Sum of DNS answer latencies; divide its rate by that of cartograph_dns_responses_total")
                .labelNames(names).withoutExemplars().register(registry);
        p99 = Gauge.builder().name("cartograph_dns_response_time_p99_seconds").unit(Unit.SECONDS)
                .help("Highest per-domain 99th percentile DNS answer latency of the last interval with queries")
                .labelNames(names).withoutExemplars().register(registry);
        limiter = new SeriesLimiter<>(limit, names.length, Series::new);
    }

    /**
     * Adds the batch's DNS statistics.
     *
     * @param batch the batch
     * @return how many statistics were counted
     */
    int record(FlowBatch batch) {
        long now = batch.time().toEpochMilli();
        for (DnsStats d : batch.dns()) {
            values[0] = d.server().toString();
            values[1] = d.queryType();
            if (withDomain) {
                values[2] = d.domain();
            }
            Series s = limiter.admit(values, now);
            if (d.queries() > 0) {
                s.queryPoint.inc(d.queries());
            }
            if (d.timeouts() > 0) {
                s.timeoutPoint.inc(d.timeouts());
            }
            if (d.latencySumMicros() > 0) {
                s.latencyPoint.inc(d.latencySumMicros() / 1e6);
            }
            double p = d.latencyP99Micros() / 1e6;
            if (s.p99Batch != batch.sequence() || p > s.p99Point.get()) {
                s.p99Point.set(p);
                s.p99Batch = batch.sequence();
            }
            d.rcodes().forEach((rcode, n) -> {
                if (n > 0) {
                    s.rcode(rcode).inc(n);
                }
            });
        }
        return batch.dns().size();
    }

    /**
     * @param cutoffMillis batch time before which a label set counts as idle
     * @return how many label sets were removed
     */
    int expire(long cutoffMillis) {
        List<Map.Entry<List<String>, Series>> gone = limiter.expire(cutoffMillis);
        gone.forEach(e -> e.getValue().remove());
        return gone.size();
    }

    /** @return the series limiter (for counters; sink thread only) */
    SeriesLimiter<?> limiter() {
        return limiter;
    }
}
