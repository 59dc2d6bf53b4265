package org.cartograph.sink.prometheus.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The per-connection metrics: each flow of a batch is added to the series of its label set (see
 * {@link LabelSpec}), capped by a {@link SeriesLimiter}. Counters are the sum of the flows'
 * interval deltas; the RTT histogram gets one observation per TCP flow that has an RTT. Data
 * points are looked up once per label set and kept, so a flow costs a few additions. Not
 * thread-safe: {@link #record} runs on the sink's thread; scrapes read the registry concurrently.
 */
final class FlowMetrics {

    /** RTT histogram bucket bounds in seconds: 50 µs .. 5 s. */
    static final double[] RTT_BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5, 5};

    private final LabelSpec spec;
    private final SeriesLimiter<Series> limiter;
    private final Counter sentBytes;
    private final Counter receivedBytes;
    private final Counter sentPackets;
    private final Counter receivedPackets;
    private final Counter retransmits;
    private final Counter established;
    private final Counter closed;
    private final Counter failures;
    private final Histogram rtt;
    private final String[] values;

    /** The data points of one label set. */
    private final class Series {
        final String[] labels;
        final CounterDataPoint sent;
        final CounterDataPoint received;
        final CounterDataPoint sentPkts;
        final CounterDataPoint receivedPkts;
        final CounterDataPoint retrans;
        final CounterDataPoint est;
        final CounterDataPoint cls;
        final DistributionDataPoint rttPoint;
        final Map<Integer, CounterDataPoint> failuresByErrno = new HashMap<>(4);

        Series(List<String> key) {
            labels = key.toArray(String[]::new);
            sent = sentBytes.labelValues(labels);
            received = receivedBytes.labelValues(labels);
            sentPkts = sentPackets.labelValues(labels);
            receivedPkts = receivedPackets.labelValues(labels);
            retrans = retransmits.labelValues(labels);
            est = established.labelValues(labels);
            cls = closed.labelValues(labels);
            rttPoint = rtt.labelValues(labels);
        }

        CounterDataPoint failure(int errno) {
            return failuresByErrno.computeIfAbsent(errno, e -> {
                String[] withCause = Arrays.copyOf(labels, labels.length + 1);
                withCause[labels.length] = FailureCause.of(e);
                return failures.labelValues(withCause);
            });
        }

        void remove() {
            sentBytes.remove(labels);
            receivedBytes.remove(labels);
            sentPackets.remove(labels);
            receivedPackets.remove(labels);
            retransmits.remove(labels);
            established.remove(labels);
            closed.remove(labels);
            rtt.remove(labels);
            List<String> prefix = List.of(labels);
            failures.removeIf(values -> values.subList(0, labels.length).equals(prefix));
        }
    }

    /**
     * @param spec     the labels
     * @param limit    label sets admitted besides {@code other}
     * @param registry where the metrics are registered
     */
    FlowMetrics(LabelSpec spec, int limit, PrometheusRegistry registry) {
        this.spec = spec;
        this.values = new String[spec.size()];
        String[] names = spec.names().toArray(String[]::new);
        String[] withCause = Arrays.copyOf(names, names.length + 1);
        withCause[names.length] = "cause";
        sentBytes = counter("cartograph_network_sent_bytes", "Application payload bytes sent", Unit.BYTES, names,
                registry);
        receivedBytes = counter("cartograph_network_received_bytes", "Application payload bytes received",
                Unit.BYTES, names, registry);
        sentPackets = counter("cartograph_network_sent_packets", "TCP segments or UDP datagrams sent", null, names,
                registry);
        receivedPackets = counter("cartograph_network_received_packets", "TCP segments or UDP datagrams received",
                null, names, registry);
        retransmits = counter("cartograph_tcp_retransmits", "TCP segments retransmitted", null, names, registry);
        established = counter("cartograph_tcp_established", "TCP connections that reached ESTABLISHED", null, names,
                registry);
        closed = counter("cartograph_tcp_closed", "TCP connections closed", null, names, registry);
        failures = counter("cartograph_tcp_failures", "TCP connection failures by cause (reset, timeout, refused,"
                + " unreachable, or errno_N)", null, withCause, registry);
        rtt = Histogram.builder().name("cartograph_tcp_rtt_seconds").unit(Unit.SECONDS)
                .help("Smoothed TCP round-trip time, one observation per connection and interval")
                .labelNames(names).classicOnly().classicUpperBounds(RTT_BOUNDS).withoutExemplars().register(registry);
        limiter = new SeriesLimiter<>(limit, names.length, Series::new);
    }

    private static Counter counter(String name, String help, Unit unit, String[] labels, PrometheusRegistry registry) {
        Counter.Builder b = Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars();
        if (unit != null) {
            b.unit(unit);
        }
        return b.register(registry);
    }

    /**
     * Adds the batch's flows.
     *
     * @param batch the batch
     * @return how many flows were counted
     */
    int record(FlowBatch batch) {
        long now = batch.time().toEpochMilli();
        for (Flow flow : batch.flows()) {
            spec.values(flow, values);
            Series s = limiter.admit(values, now);
            ConnectionStats d = flow.delta();
            add(s.sent, d.bytesSent());
            add(s.received, d.bytesReceived());
            add(s.sentPkts, d.packetsSent());
            add(s.receivedPkts, d.packetsReceived());
            add(s.retrans, d.retransmits());
            add(s.est, d.tcpEstablished());
            add(s.cls, d.tcpClosed());
            if (d.rttMicros() > 0) {
                s.rttPoint.observe(d.rttMicros() / 1e6);
            }
            if (!d.tcpFailures().isEmpty()) {
                d.tcpFailures().forEach((errno, n) -> s.failure(errno).inc(n));
            }
        }
        return batch.flows().size();
    }

    private static void add(CounterDataPoint point, long n) {
        if (n > 0) {
            point.inc(n);
        }
    }

    /**
     * Removes the series of label sets not seen since {@code cutoffMillis}.
     *
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
