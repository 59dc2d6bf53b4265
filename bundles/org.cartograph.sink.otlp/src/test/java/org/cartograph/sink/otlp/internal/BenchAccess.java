package org.cartograph.sink.otlp.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.cartograph.flow.FlowBatch;

import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;

/**
 * Lets the benchmark package drive the sink's mapping and the SDK's OTLP protobuf serialisation
 * (what the exporters do before sending), without a network.
 */
public final class BenchAccess {

    private final MetricMapper metrics = new MetricMapper();
    private final LogMapper logs = new LogMapper();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 24);

    /**
     * @param batch a batch
     * @return the size of its metrics serialised as an OTLP protobuf request
     */
    public int metricsRequestBytes(FlowBatch batch) {
        buffer.reset();
        try {
            MetricsRequestMarshaler.create(metrics.map(batch)).writeBinaryTo(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.size();
    }

    /**
     * @param batch a batch
     * @return the size of its flow log records serialised as an OTLP protobuf request
     */
    public int logsRequestBytes(FlowBatch batch) {
        buffer.reset();
        try {
            LogsRequestMarshaler.create(logs.map(batch)).writeBinaryTo(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.size();
    }
}
