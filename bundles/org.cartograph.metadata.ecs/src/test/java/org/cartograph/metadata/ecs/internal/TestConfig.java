package org.cartograph.metadata.ecs.internal;

import java.lang.annotation.Annotation;

/** An {@link EcsProvider.Config} for constructing the provider directly in tests. */
record TestConfig(String metadata_uri, int poll_interval_ms, int request_timeout_ms) implements EcsProvider.Config {

    static TestConfig of(String uri) {
        return new TestConfig(uri, 100, 1_000);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return EcsProvider.Config.class;
    }
}
