package org.cartograph.sink.otlp.internal;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One exported metric: the SDK's public {@link MetricData} shape, built directly from an
 * interval's sums so each interval is exported as exactly one set of delta points (a retried export
 * is the same data again, never counted twice).
 *
 * @param resource    the entity the metric describes
 * @param scope       the instrumentation scope ({@code org.cartograph.sink.otlp})
 * @param name        the metric name
 * @param description what it measures
 * @param unit        the UCUM unit
 * @param type        the data type
 * @param data        the points
 */
record Metric(Resource resource, InstrumentationScopeInfo scope, String name, String description, String unit,
              MetricDataType type, Data<?> data) implements MetricData {

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public String getUnit() {
        return unit;
    }

    @Override
    public MetricDataType getType() {
        return type;
    }

    @Override
    public Data<?> getData() {
        return data;
    }
}
