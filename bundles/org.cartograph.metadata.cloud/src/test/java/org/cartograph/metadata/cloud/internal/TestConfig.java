package org.cartograph.metadata.cloud.internal;

import java.lang.annotation.Annotation;

/** A {@link CloudProvider.Config} for constructing the provider directly in tests. */
record TestConfig(String ip_ranges_aws, String ip_ranges_gcp, String ip_ranges_azure, String[] host_providers,
                  String aws_imds_url, String gcp_metadata_url, String azure_imds_url, int request_timeout_ms,
                  int refresh_interval_ms, int retry_initial_ms, int max_file_mb) implements CloudProvider.Config {

    /** @return files only, fast refresh, no host detection */
    static TestConfig files(String aws, String gcp, String azure) {
        return new TestConfig(aws, gcp, azure, new String[0], "", "", "", 500, 200, 50, 1);
    }

    /** @return host detection only, against these URLs */
    static TestConfig host(String[] providers, String url) {
        return new TestConfig("", "", "", providers, url, url, url, 500, 200, 50, 1);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return CloudProvider.Config.class;
    }
}
