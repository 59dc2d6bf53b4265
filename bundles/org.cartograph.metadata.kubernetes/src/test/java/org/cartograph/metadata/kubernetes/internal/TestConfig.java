package org.cartograph.metadata.kubernetes.internal;

import java.lang.annotation.Annotation;

/** A {@link KubernetesProvider.Config} for constructing the provider directly in tests. */
record TestConfig(String api_server_url, String kubeconfig, String node_name, String cluster_name,
                  String[] pod_labels_as_tags, String[] pod_annotations_as_tags,
                  String[] namespace_labels_as_tags, int update_delay_ms, int watch_reconnect_interval_ms,
                  int request_timeout_ms) implements KubernetesProvider.Config {

    /** @return fast settings against this API server */
    static TestConfig of(String url) {
        return new TestConfig(url, "", "", "test-cluster", new String[] {"app=app"},
                new String[] {"example.com/owner=owner"}, new String[] {"team=team", "tier=ns_tier"}, 50, 100, 10_000);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return KubernetesProvider.Config.class;
    }
}
