package org.cartograph.sink.prometheus.internal;

import java.lang.annotation.Annotation;

/** A {@link PrometheusSink.Config} for constructing the sink directly in tests. */
record TestConfig(String[] labels, int series_limit, int series_idle_timeout_seconds, boolean dns_domain_label)
        implements PrometheusSink.Config {

    /** The annotation's default labels. */
    static final String[] DEFAULT_LABELS = {
        "source_service=local.service|local.kube_service",
        "source_container=local.container_name",
        "destination_service=remote.service|remote.kube_service|flow.remote_dns|flow.remote_address",
        "destination_container=remote.container_name",
    };

    /** @return the annotation's defaults */
    static TestConfig defaults() {
        return new TestConfig(DEFAULT_LABELS, 10000, 900, false);
    }

    /** @return the defaults with another series limit */
    static TestConfig withLimit(int limit) {
        return new TestConfig(DEFAULT_LABELS, limit, 900, false);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return PrometheusSink.Config.class;
    }
}
