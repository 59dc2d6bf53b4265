package org.cartograph.sink.prometheus.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Writes metrics in the format a scraper asks for, with the Prometheus client's writers: the
 * Prometheus text format by default, OpenMetrics when the {@code Accept} header names
 * {@code application/openmetrics-text}, protobuf when asked for and the protobuf exposition
 * bundle is present. Thread-safe.
 */
final class Exposition {

    private final ExpositionFormats formats = ExpositionFormats.init();

    /**
     * @param accept the request's {@code Accept} header, or null
     * @return the writer for it
     */
    ExpositionFormatWriter writer(String accept) {
        return formats.findWriter(accept);
    }

    /**
     * @param sink    the sink's metrics
     * @param health  Cartograph's health gauges
     * @return both, in one set of snapshots
     */
    static MetricSnapshots merge(MetricSnapshots sink, List<MetricSnapshot> health) {
        MetricSnapshots.Builder b = MetricSnapshots.builder();
        sink.forEach(b::metricSnapshot);
        health.forEach(s -> {
            if (!b.containsMetricName(s.getMetadata().getName())) {
                b.metricSnapshot(s);
            }
        });
        return b.build();
    }

    /**
     * A rendered exposition.
     *
     * @param contentType the content type to send
     * @param body        the exposition
     */
    record Rendered(String contentType, byte[] body) {
    }

    /**
     * @param accept    the request's {@code Accept} header, or null
     * @param snapshots what to write
     * @return the exposition in the format asked for
     */
    Rendered render(String accept, MetricSnapshots snapshots) {
        ExpositionFormatWriter writer = writer(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            writer.write(out, snapshots);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return new Rendered(writer.getContentType(), out.toByteArray());
    }
}
