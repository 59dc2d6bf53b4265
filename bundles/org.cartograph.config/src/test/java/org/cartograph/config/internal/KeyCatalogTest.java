package org.cartograph.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.cartograph.config.internal.ValueType.InvalidValueException;
import org.junit.jupiter.api.Test;

class KeyCatalogTest {

    private final KeyCatalog catalog = KeyCatalog.standard();

    @Test
    void environmentNamesFollowDatadogAndCartographRules() {
        assertEquals("CARTOGRAPH_SINKS_JSONL_MAX_FILE_SIZE_MB",
                KeyCatalog.environmentName("cartograph.sinks.jsonl.max_file_size_mb"));
        assertEquals("DD_SYSTEM_PROBE_CONFIG_MAX_TRACKED_CONNECTIONS",
                KeyCatalog.environmentName("system_probe_config.max_tracked_connections"));
        assertEquals("DD_SYSTEM_PROBE_NETWORK_ENABLED", KeyCatalog.environmentName("network_config.enabled"));
        assertEquals("system_probe_config.enabled",
                catalog.byEnvironment("DD_SYSTEM_PROBE_ENABLED").orElseThrow().path());
        assertEquals("system_probe_config.enabled",
                catalog.byEnvironment("DD_SYSTEM_PROBE_CONFIG_ENABLED").orElseThrow().path());
    }

    @Test
    void reservedPrefixesOnly() {
        assertTrue(catalog.isUnknownReserved("CARTOGRAPH_NOPE"));
        assertTrue(catalog.isUnknownReserved("DD_SYSTEM_PROBE_NOPE"));
        assertFalse(catalog.isUnknownReserved("DD_API_KEY"));
        assertFalse(catalog.isUnknownReserved("CARTOGRAPH_HOME"));
        assertFalse(catalog.isUnknownReserved("CARTOGRAPH_INTERVAL"));
    }

    /** The PIDs and properties are a contract with other bundles: this table must not change by accident. */
    @Test
    void targetsAreTheContract() {
        Map<String, String> targets = new TreeMap<>();
        for (ConfigKey key : catalog.keys()) {
            targets.put(key.path(), String.join(",", key.targets().stream().map(t -> t.pid() + "/" + t.property()).toList()));
        }
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("cartograph.interval", "org.cartograph.core.pipeline/interval.seconds"),
                Map.entry("cartograph.max_flows_per_batch", "org.cartograph.core.pipeline/max.flows.per.batch"),
                Map.entry("cartograph.host_name", "org.cartograph.core.pipeline/host.name"),
                Map.entry("network_config.enabled", "org.cartograph.core.pipeline/network.enabled"),
                Map.entry("system_probe_config.enabled", "org.cartograph.core.pipeline/system.probe.enabled"),
                Map.entry("system_probe_config.max_tracked_connections",
                        "org.cartograph.core.pipeline/max.tracked.connections"),
                Map.entry("system_probe_config.closed_channel_size", "org.cartograph.core.pipeline/closed.channel.size"),
                Map.entry("system_probe_config.collect_tcp", "org.cartograph.core.pipeline/collect.tcp"),
                Map.entry("system_probe_config.collect_udp", "org.cartograph.core.pipeline/collect.udp"),
                Map.entry("system_probe_config.collect_ipv6", "org.cartograph.core.pipeline/collect.ipv6"),
                Map.entry("system_probe_config.collect_dns_stats", "org.cartograph.dns/collect.dns.stats"),
                Map.entry("system_probe_config.collect_dns_domains", "org.cartograph.dns/collect.dns.domains"),
                Map.entry("system_probe_config.dns_timeout_in_s", "org.cartograph.dns/dns.timeout.in.s"),
                Map.entry("system_probe_config.max_dns_stats", "org.cartograph.dns/max.dns.stats"),
                Map.entry("system_probe_config.collect_local_dns", "org.cartograph.dns/collect.local.dns"),
                Map.entry("system_probe_config.dns_recorded_query_types", "org.cartograph.dns/dns.recorded.query.types"),
                Map.entry("system_probe_config.enable_conntrack", "org.cartograph.nat/enable.conntrack"),
                Map.entry("system_probe_config.conntrack_max_state_size", "org.cartograph.nat/conntrack.max.state.size"),
                Map.entry("cartograph.http.host", "org.apache.felix.http/org.apache.felix.http.host"),
                Map.entry("cartograph.http.port", "org.apache.felix.http/org.osgi.service.http.port"),
                Map.entry("cartograph.deploy_dir", "org.apache.felix.fileinstall/felix.fileinstall.dir"),
                Map.entry("cartograph.data_dir", "org.cartograph.webconsole/data.dir,org.cartograph.store/data.dir"),
                Map.entry("cartograph.store.enabled", "org.cartograph.store/@enabled"),
                Map.entry("cartograph.store.retention_hours", "org.cartograph.store/retention.hours"),
                Map.entry("cartograph.store.max_size_mb", "org.cartograph.store/max.size.mb"),
                Map.entry("cartograph.store.price_file", "org.cartograph.store/price.file"),
                Map.entry("cartograph.integrations.disabled", "org.cartograph.ui.integrations/disabled"),
                Map.entry("system_probe_config.dns_monitoring_ports", "org.cartograph.dns/dns.monitoring.ports"),
                Map.entry("cartograph.sinks.prometheus.enabled", "org.cartograph.sink.prometheus/@enabled"),
                Map.entry("cartograph.sinks.prometheus.labels", "org.cartograph.sink.prometheus/labels"),
                Map.entry("cartograph.sinks.prometheus.series_limit", "org.cartograph.sink.prometheus/series.limit"),
                Map.entry("cartograph.sinks.otlp.enabled", "org.cartograph.sink.otlp/@enabled"),
                Map.entry("cartograph.sinks.otlp.endpoint", "org.cartograph.sink.otlp/endpoint"),
                Map.entry("cartograph.sinks.otlp.protocol", "org.cartograph.sink.otlp/protocol"),
                Map.entry("cartograph.sinks.otlp.headers", "org.cartograph.sink.otlp/headers"),
                Map.entry("cartograph.sinks.otlp.compression", "org.cartograph.sink.otlp/compression"),
                Map.entry("cartograph.sinks.otlp.export_logs", "org.cartograph.sink.otlp/export.logs"),
                Map.entry("cartograph.metadata.docker.enabled", "org.cartograph.metadata.docker/@enabled"),
                Map.entry("cartograph.metadata.docker.host", "org.cartograph.metadata.docker/host"),
                Map.entry("cartograph.metadata.docker.labels_as_tags", "org.cartograph.metadata.docker/labels.as.tags"),
                Map.entry("cartograph.metadata.kubernetes.enabled", "org.cartograph.metadata.kubernetes/@enabled"),
                Map.entry("cartograph.metadata.kubernetes.api_server_url", "org.cartograph.metadata.kubernetes/api.server.url"),
                Map.entry("cartograph.metadata.kubernetes.kubeconfig", "org.cartograph.metadata.kubernetes/kubeconfig"),
                Map.entry("cartograph.metadata.kubernetes.node_name", "org.cartograph.metadata.kubernetes/node.name"),
                Map.entry("cartograph.metadata.kubernetes.cluster_name", "org.cartograph.metadata.kubernetes/cluster.name"),
                Map.entry("cartograph.metadata.kubernetes.pod_labels_as_tags",
                        "org.cartograph.metadata.kubernetes/pod.labels.as.tags"),
                Map.entry("cartograph.metadata.kubernetes.pod_annotations_as_tags",
                        "org.cartograph.metadata.kubernetes/pod.annotations.as.tags"),
                Map.entry("cartograph.metadata.kubernetes.namespace_labels_as_tags",
                        "org.cartograph.metadata.kubernetes/namespace.labels.as.tags"),
                Map.entry("cartograph.metadata.ecs.enabled", "org.cartograph.metadata.ecs/@enabled"),
                Map.entry("cartograph.metadata.ecs.metadata_uri", "org.cartograph.metadata.ecs/metadata.uri"),
                Map.entry("cartograph.metadata.ecs.introspection_uri", "org.cartograph.metadata.ecs/introspection.uri"),
                Map.entry("cartograph.metadata.cloud.enabled", "org.cartograph.metadata.cloud/@enabled"),
                Map.entry("cartograph.metadata.cloud.host_providers", "org.cartograph.metadata.cloud/host.providers"),
                Map.entry("cartograph.metadata.cloud.ip_ranges.aws", "org.cartograph.metadata.cloud/ip.ranges.aws"),
                Map.entry("cartograph.metadata.cloud.ip_ranges.gcp", "org.cartograph.metadata.cloud/ip.ranges.gcp"),
                Map.entry("cartograph.metadata.cloud.ip_ranges.azure", "org.cartograph.metadata.cloud/ip.ranges.azure"),
                Map.entry("cartograph.sinks.kafka.bootstrap_servers", "org.cartograph.sink.kafka/bootstrap.servers"),
                Map.entry("cartograph.sinks.kafka.topic", "org.cartograph.sink.kafka/topic"),
                Map.entry("cartograph.sinks.kafka.spool_dir", "org.cartograph.sink.kafka/spool.dir"),
                Map.entry("cartograph.sinks.kafka.spool_max_mb", "org.cartograph.sink.kafka/spool.max.mb"),
                Map.entry("cartograph.collector.kafka.bootstrap_servers", "org.cartograph.collector.kafka/bootstrap.servers"),
                Map.entry("cartograph.collector.kafka.topic", "org.cartograph.collector.kafka/topic"),
                Map.entry("cartograph.collector.kafka.group_id", "org.cartograph.collector.kafka/group.id"),
                Map.entry("cartograph.console.user", "org.cartograph.webconsole/user"),
                Map.entry("cartograph.console.password", "org.cartograph.webconsole/password"),
                Map.entry("cartograph.sinks.jsonl.path", "org.cartograph.sink.jsonl/path"),
                Map.entry("cartograph.sinks.jsonl.max_file_size_mb", "org.cartograph.sink.jsonl/max.file.size.mb"),
                Map.entry("cartograph.sinks.jsonl.max_files", "org.cartograph.sink.jsonl/max.files"),
                Map.entry("cartograph.collector.kafka.session_timeout_ms", "org.cartograph.collector.kafka/session.timeout.ms"),
                Map.entry("cartograph.capture.replay.script", "org.cartograph.capture.replay/script"),
                Map.entry("cartograph.capture.probe_socket", "org.cartograph.capture.probe/socket")));
        List<String> secrets = new ArrayList<>(List.of("cartograph.console.password", "cartograph.sinks.otlp.headers"));
        for (String side : List.of("cartograph.sinks.kafka.", "cartograph.collector.kafka.")) {
            String pid = side.equals("cartograph.sinks.kafka.") ? "org.cartograph.sink.kafka" : "org.cartograph.collector.kafka";
            for (String property : List.of("security.protocol", "sasl.mechanism", "sasl.username", "sasl.password",
                    "sasl.password.file", "ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type",
                    "ssl.truststore.certificates", "ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type",
                    "ssl.key.password", "ssl.endpoint.identification.algorithm")) {
                expected.put(side + property.replace('.', '_'), pid + "/" + property);
                if (property.endsWith("password")) {
                    secrets.add(side + property.replace('.', '_'));
                }
            }
        }
        assertEquals(expected, targets);
        assertEquals(secrets, catalog.keys().stream().filter(ConfigKey::secret).map(ConfigKey::path).toList());
    }

    @Test
    void everyFallbackIsAValidValue() throws InvalidValueException {
        for (ConfigKey key : catalog.keys()) {
            if (key.fallback() != null) {
                key.type().parse(key.fallback(), Path.of("/"));
            }
        }
        assertEquals(2, catalog.keys().stream().filter(k -> k.fallback() != null).count());
    }
}
