package org.cartograph.sink.prometheus.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsLatency;
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
 * {@link SeriesLimiter}. Latency carries an {@code outcome} label: {@code success} (NOERROR),
 * {@code failure} (any other rcode), or {@code unknown} for statistics without that split. It is
 * exported as the sum of answer latencies (divide its rate by the rate of the matching responses
 * for the mean) and the highest per-domain p50 and p99 of the last interval. Not thread-safe:
 * {@link #record} runs on the sink's thread.
 */
final class DnsMetrics {

    private final boolean withDomain;
    private final SeriesLimiter<Series> limiter;
    private final Counter queries;
    private final Counter timeouts;
    private final Counter responses;
    private final Counter latency;
    private final Gauge p50;
    private final Gauge p99;
    private final String[] values;

    /** The latency data points of one label set and outcome. */
    private final class Outcome {
        final String[] labels;
        final CounterDataPoint sumPoint;
        final GaugeDataPoint p50Point;
        final GaugeDataPoint p99Point;
        long batch = -1;

        Outcome(String[] series, String outcome) {
            labels = Arrays.copyOf(series, series.length + 1);
            labels[series.length] = outcome;
            sumPoint = latency.labelValues(labels);
            p50Point = p50.labelValues(labels);
            p99Point = p99.labelValues(labels);
        }

        void record(long sequence, long sumMicros, long p50Micros, long p99Micros) {
            if (sumMicros > 0) {
                sumPoint.inc(sumMicros / 1e6);
            }
            double p = p99Micros / 1e6;
            if (batch != sequence || p > p99Point.get()) {
                p99Point.set(p);
            }
            double m = p50Micros / 1e6;
            if (batch != sequence || m > p50Point.get()) {
                p50Point.set(m);
            }
            batch = sequence;
        }

        void remove() {
            latency.remove(labels);
            p50.remove(labels);
            p99.remove(labels);
        }
    }

    /** The data points of one label set. */
    private final class Series {
        final String[] labels;
        final CounterDataPoint queryPoint;
        final CounterDataPoint timeoutPoint;
        final Map<String, CounterDataPoint> byRcode = new HashMap<>(4);
        final Map<String, Outcome> byOutcome = new HashMap<>(4);

        Series(List<String> key) {
            labels = key.toArray(String[]::new);
            queryPoint = queries.labelValues(labels);
            timeoutPoint = timeouts.labelValues(labels);
        }

        Outcome outcome(String outcome) {
            return byOutcome.computeIfAbsent(outcome, o -> new Outcome(labels, o));
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
            byOutcome.values().forEach(Outcome::remove);
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
        String[] withOutcome = Arrays.copyOf(names, names.length + 1);
        withOutcome[names.length] = "outcome";
        values = new String[names.length];
        queries = Counter.builder().name("cartograph_dns_queries").help("DNS queries sent").labelNames(names)
                .withoutExemplars().register(registry);
        timeouts = Counter.builder().name("cartograph_dns_timeouts").help("DNS queries that got no answer in time")
                .labelNames(names).withoutExemplars().register(registry);
        responses = Counter.builder().name("cartograph_dns_responses").help("DNS answers by response code")
                .labelNames(withRcode).withoutExemplars().register(registry);
        latency = Counter.builder().name("cartograph_dns_response_time_seconds").unit(Unit.SECONDS)
                .help("Sum of DNS answer latencies by outcome (success: NOERROR, failure: other rcodes); divide its "
                        + "rate by that of the matching cartograph_dns_responses_total")
                .labelNames(withOutcome).withoutExemplars().register(registry);
        p50 = Gauge.builder().name("cartograph_dns_response_time_p50_seconds").unit(Unit.SECONDS)
                .help("Highest per-domain median DNS answer latency by outcome of the last interval with answers")
                .labelNames(withOutcome).withoutExemplars().register(registry);
        p99 = Gauge.builder().name("cartograph_dns_response_time_p99_seconds").unit(Unit.SECONDS)
                .help("Highest per-domain 99th percentile DNS answer latency by outcome of the last interval with "
                        + "answers")
                .labelNames(withOutcome).withoutExemplars().register(registry);
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
            DnsLatency ok = d.successLatency();
            DnsLatency failed = d.failureLatency();
            if (ok.count() == 0 && failed.count() == 0) {
                if (d.latencySumMicros() > 0) {
                    s.outcome("unknown").record(batch.sequence(), d.latencySumMicros(), d.latencyP50Micros(),
                            d.latencyP99Micros());
                }
            } else {
                if (ok.count() > 0) {
                    s.outcome("success").record(batch.sequence(), ok.sumMicros(), ok.p50Micros(), ok.p99Micros());
                }
                if (failed.count() > 0) {
                    s.outcome("failure").record(batch.sequence(), failed.sumMicros(), failed.p50Micros(),
                            failed.p99Micros());
                }
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
