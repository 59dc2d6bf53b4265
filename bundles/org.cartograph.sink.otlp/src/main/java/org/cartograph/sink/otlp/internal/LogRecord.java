package org.cartograph.sink.otlp.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One flow record as an OpenTelemetry log record (event {@code cartograph.flow}, body
 * {@code conn}, severity INFO), in the SDK's public {@link LogRecordData} shape.
 *
 * @param resource       the local end's resource
 * @param timestampNanos the end of the batch's interval
 * @param attributes     the flow's attributes
 */
record LogRecord(Resource resource, long timestampNanos, Attributes attributes) implements LogRecordData {

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return MetricMapper.SCOPE;
    }

    @Override
    public long getTimestampEpochNanos() {
        return timestampNanos;
    }

    @Override
    public long getObservedTimestampEpochNanos() {
        return timestampNanos;
    }

    @Override
    public SpanContext getSpanContext() {
        return SpanContext.getInvalid();
    }

    @Override
    public Severity getSeverity() {
        return Severity.INFO;
    }

    @Override
    public String getSeverityText() {
        return "INFO";
    }

    @Override
    @SuppressWarnings("deprecation")
    public Body getBody() {
        return Body.string("conn");
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
        return attributes.size();
    }

    @Override
    public String getEventName() {
        return "cartograph.flow";
    }
}
