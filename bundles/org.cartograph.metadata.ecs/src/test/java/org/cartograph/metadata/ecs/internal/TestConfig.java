package org.cartograph.metadata.ecs.internal;

import java.lang.annotation.Annotation;

/** An {@link EcsProvider.Config} for constructing the provider directly in tests. */
record TestConfig(String metadata_uri, String introspection_uri, int poll_interval_ms, int request_timeout_ms)
        implements EcsProvider.Config {

    /** @return fast polling of this v4 endpoint only */
    static TestConfig of(String uri) {
        return new TestConfig(uri, "", 100, 5_000);
    }

    /** @return fast polling of the v4 endpoint from the environment and this introspection API */
    static TestConfig withIntrospection(String introspectionUri) {
        return new TestConfig("", introspectionUri, 100, 5_000);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return EcsProvider.Config.class;
    }
}
