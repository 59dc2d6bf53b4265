package org.cartograph.sink.otlp.internal;

import java.lang.annotation.Annotation;

/** An {@link OtlpSink.Config} for constructing the sink directly in tests. */
record TestConfig(String protocol, String endpoint, String[] headers, int timeout_seconds, String compression,
                  boolean export_logs) implements OtlpSink.Config {

    /** @return a config for this protocol and endpoint, with a 15 s timeout (a first export loads gRPC and Netty) */
    static TestConfig of(String protocol, String endpoint, boolean logs, String... headers) {
        return new TestConfig(protocol, endpoint, headers, 15, "none", logs);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return OtlpSink.Config.class;
    }
}
