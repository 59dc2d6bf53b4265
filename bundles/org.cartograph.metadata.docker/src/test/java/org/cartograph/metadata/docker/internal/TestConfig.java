package org.cartograph.metadata.docker.internal;

import java.lang.annotation.Annotation;

/** A {@link DockerProvider.Config} for constructing the provider directly in tests. */
record TestConfig(String host, String api_version, String[] labels_as_tags, int request_timeout_ms,
                  int max_response_mb, int retry_initial_ms, int retry_max_ms, String proc_root)
        implements DockerProvider.Config {

    /** @return the annotation's defaults, fast retries, for this host */
    static TestConfig of(String host, String... labelsAsTags) {
        return new TestConfig(host, "v1.41", labelsAsTags, 5_000, 1, 50, 200, "/proc");
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return DockerProvider.Config.class;
    }
}
