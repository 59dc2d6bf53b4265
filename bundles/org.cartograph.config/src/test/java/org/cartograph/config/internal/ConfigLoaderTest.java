package org.cartograph.config.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** Datadog's documented system-probe.yaml shape, plus other agents' sections and ours. */
    static final String FULL = """
            system_probe_config:
              enabled: true
              max_tracked_connections: 65536
              closed_channel_size: 500
              collect_tcp: true
              collect_udp: false
              collect_ipv6: true
              collect_dns_stats: true
              collect_dns_domains: false
              dns_timeout_in_s: 15
              max_dns_stats: 20000
              collect_local_dns: false
              dns_recorded_query_types: [A, AAAA]
              enable_conntrack: true
              conntrack_max_state_size: 131072
            network_config:
              enabled: true
            runtime_security_config:
              enabled: false
            service_monitoring_config:
              enabled: false
            logs_config:
              container_collect_all: true
            cartograph:
              interval: 30s
              host_name: node-1
              http:
                host: 127.0.0.1
                port: 8080
              deploy_dir: plugins
              data_dir: /var/lib/cartograph
              console:
                user: admin
                password: s3cr3t-pw
              sinks:
                jsonl:
                  path: out/flows.jsonl
                  max_file_size_mb: 64
                  max_files: 5
              capture:
                replay:
                  script: replay/script.yaml
            """;

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private ConfigLoader loader(Map<String, String> env) {
        return new ConfigLoader(KeyCatalog.standard(), env, dir, warnings::add);
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("system-probe.yaml"), yaml);
    }

    private LoadResult load(String yaml, Map<String, String> env) throws IOException {
        return loader(env).load(write(yaml).toString(), null);
    }

    @Test
    void fullFileMapsToPidsAndTypedProperties() throws IOException {
        LoadResult result = load(FULL, Map.of());

        assertTrue(result.valid(), result.message());
        ConfigPlan plan = result.plan().orElseThrow();
        Map<String, Object> pipeline = plan.configurations().get("org.cartograph.core.pipeline");
        assertEquals(30, pipeline.get("interval.seconds"));
        assertEquals("node-1", pipeline.get("host.name"));
        assertEquals(Boolean.TRUE, pipeline.get("network.enabled"));
        assertEquals(Boolean.TRUE, pipeline.get("system.probe.enabled"));
        assertEquals(65536, pipeline.get("max.tracked.connections"));
        assertEquals(500, pipeline.get("closed.channel.size"));
        assertEquals(Boolean.TRUE, pipeline.get("collect.tcp"));
        assertEquals(Boolean.FALSE, pipeline.get("collect.udp"));
        assertEquals(Boolean.TRUE, pipeline.get("collect.ipv6"));
        assertEquals(9, pipeline.size());

        Map<String, Object> dns = plan.configurations().get("org.cartograph.dns");
        assertEquals(Boolean.TRUE, dns.get("collect.dns.stats"));
        assertEquals(Boolean.FALSE, dns.get("collect.dns.domains"));
        assertEquals(15, dns.get("dns.timeout.in.s"));
        assertEquals(20000, dns.get("max.dns.stats"));
        assertEquals(Boolean.FALSE, dns.get("collect.local.dns"));
        assertArrayEquals(new String[] {"A", "AAAA"}, (String[]) dns.get("dns.recorded.query.types"));

        assertEquals(Map.of("enable.conntrack", true, "conntrack.max.state.size", 131072),
                plan.configurations().get("org.cartograph.nat"));
        assertEquals(Map.of("org.apache.felix.http.host", "127.0.0.1", "org.osgi.service.http.port", 8080),
                plan.configurations().get("org.apache.felix.http"));
        assertEquals(Map.of("data.dir", Path.of("/var/lib/cartograph").toString(), "user", "admin",
                "password", "s3cr3t-pw"), plan.configurations().get("org.cartograph.webconsole"));
        assertEquals(Map.of("path", dir.resolve("out/flows.jsonl").toString(), "max.file.size.mb", 64,
                "max.files", 5), plan.configurations().get("org.cartograph.sink.jsonl"));
        assertEquals(Map.of("script", dir.resolve("replay/script.yaml").toString()),
                plan.configurations().get("org.cartograph.capture.replay"));
        assertEquals(dir.resolve("plugins"), plan.deployDir());
        assertEquals(dir.resolve("plugins").toString(), plan.fileInstall().get("felix.fileinstall.dir"));
        assertEquals(27, plan.keys());
        assertEquals(0, plan.keysFromEnvironment());
        assertEquals(List.of(), warnings);
    }

    @Test
    void environmentBeatsFile() throws IOException {
        Map<String, String> env = Map.of(
                "CARTOGRAPH_INTERVAL", "1m",
                "DD_SYSTEM_PROBE_ENABLED", "false",
                "DD_SYSTEM_PROBE_NETWORK_ENABLED", "false",
                "DD_SYSTEM_PROBE_CONFIG_MAX_DNS_STATS", "7",
                "CARTOGRAPH_HTTP_PORT", "9090",
                "DD_SYSTEM_PROBE_CONFIG_DNS_RECORDED_QUERY_TYPES", "A CNAME");
        ConfigPlan plan = load(FULL, env).plan().orElseThrow();

        Map<String, Object> pipeline = plan.configurations().get("org.cartograph.core.pipeline");
        assertEquals(60, pipeline.get("interval.seconds"));
        assertEquals(Boolean.FALSE, pipeline.get("system.probe.enabled"));
        assertEquals(Boolean.FALSE, pipeline.get("network.enabled"));
        assertEquals(7, plan.configurations().get("org.cartograph.dns").get("max.dns.stats"));
        assertArrayEquals(new String[] {"A", "CNAME"},
                (String[]) plan.configurations().get("org.cartograph.dns").get("dns.recorded.query.types"));
        assertEquals(9090, plan.configurations().get("org.apache.felix.http").get("org.osgi.service.http.port"));
        assertEquals(27, plan.keys());
        assertEquals(6, plan.keysFromEnvironment());
    }

    @Test
    void environmentAloneWithoutFile() {
        LoadResult result = loader(Map.of("CARTOGRAPH_SINKS_JSONL_PATH", "-", "DD_SYSTEM_PROBE_CONFIG_ENABLED", "1"))
                .load(null, null);

        ConfigPlan plan = result.plan().orElseThrow();
        assertEquals("embedded defaults", plan.source());
        assertEquals(Map.of("path", "-"), plan.configurations().get("org.cartograph.sink.jsonl"));
        assertEquals(Map.of("system.probe.enabled", true), plan.configurations().get("org.cartograph.core.pipeline"));
        assertFalse(plan.configurations().containsKey("org.cartograph.dns"), "a key set nowhere is not written");
    }

    @Test
    void openTelemetryVariablesConfigureTheOtlpSinkAndCartographsOwnWin() throws IOException {
        Map<String, String> env = Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr%3Dt, x-tenant = a",
                "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                "CARTOGRAPH_SINKS_OTLP_PROTOCOL", "grpc");
        LoadResult result = loader(env).load(null, null);

        Map<String, Object> otlp = result.plan().orElseThrow().configurations().get("org.cartograph.sink.otlp");
        assertEquals("http://collector:4318", otlp.get("endpoint"));
        assertEquals("grpc", otlp.get("protocol"), "CARTOGRAPH_* is read before OTEL_*");
        assertEquals("gzip", otlp.get("compression"));
        assertArrayEquals(new String[] {"authorization=Bearer s3cr=t", "x-tenant=a"}, (String[]) otlp.get("headers"));
        assertTrue(warnings.stream().noneMatch(w -> w.contains("s3cr")), "no header value in warnings: " + warnings);
    }

    @Test
    void aHeaderWithoutNameIsRejectedWithoutShowingIt() {
        LoadResult result = loader(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "Bearer%20token")).load(null, null);

        assertTrue(result.plan().isEmpty());
        String message = result.message();
        assertTrue(message.contains("OTEL_EXPORTER_OTLP_HEADERS") && message.contains("cartograph.sinks.otlp.headers"),
                message);
        assertFalse(message.contains("token"), "a secret is never repeated: " + message);
    }

    @Test
    void theStoreIsOnByDefaultAndCanBeSwitchedOff() {
        assertTrue(loader(Map.of()).load(null, null).plan().orElseThrow().configurations()
                .containsKey("org.cartograph.store"));
        ConfigPlan off = loader(Map.of("CARTOGRAPH_STORE_ENABLED", "false", "CARTOGRAPH_DATA_DIR", "/var/lib/c"))
                .load(null, null).plan().orElseThrow();
        assertFalse(off.configurations().containsKey("org.cartograph.store"));
        assertEquals("/var/lib/c", off.configurations().get("org.cartograph.webconsole").get("data.dir"));
    }

    @Test
    void theKafkaSpoolFollowsTheDataDirectoryOnlyWhenTheSinkIsConfigured() {
        ConfigPlan none = loader(Map.of("CARTOGRAPH_DATA_DIR", "/var/lib/c")).load(null, null).plan().orElseThrow();
        assertFalse(none.configurations().containsKey("org.cartograph.sink.kafka"), "no Kafka sink unless configured");
        ConfigPlan on = loader(Map.of("CARTOGRAPH_DATA_DIR", "/var/lib/c",
                "CARTOGRAPH_SINKS_KAFKA_BOOTSTRAP_SERVERS", "k:9093", "CARTOGRAPH_SINKS_KAFKA_SASL_PASSWORD", "pw"))
                .load(null, null).plan().orElseThrow();
        Map<String, Object> kafka = on.configurations().get("org.cartograph.sink.kafka");
        assertEquals("/var/lib/c", kafka.get("data.dir"));
        assertEquals("pw", kafka.get("sasl.password"));
    }

    @Test
    void metadataProvidersAreSwitchedOnFromYaml() throws IOException {
        Path file = write("""
                cartograph:
                  metadata:
                    docker:
                      enabled: true
                    kubernetes:
                      cluster_name: prod
                      pod_labels_as_tags: [app=service]
                """);
        ConfigPlan plan = loader(Map.of()).load(file.toString(), null).plan().orElseThrow();

        assertEquals(Map.of(), plan.configurations().get("org.cartograph.metadata.docker"));
        Map<String, Object> kube = plan.configurations().get("org.cartograph.metadata.kubernetes");
        assertEquals("prod", kube.get("cluster.name"));
        assertArrayEquals(new String[] {"app=service"}, (String[]) kube.get("pod.labels.as.tags"));
        assertFalse(plan.configurations().containsKey("org.cartograph.metadata.ecs"));
    }

    @Test
    void unknownKeysAndVariablesAreWarnedWithNameAndLine() throws IOException {
        Path file = write("""
                system_probe_config:
                  enabled: true
                  sysprobe_socket: /opt/datadog-agent/run/sysprobe.sock
                cartograph:
                  intervall: 10s
                  http:
                    hots: 0.0.0.0
                """);
        LoadResult result = loader(Map.of("CARTOGRAPH_INTERVALL", "5s", "DD_SYSTEM_PROBE_CONFIG_FOO", "1",
                "DD_API_KEY", "abc", "DD_SITE", "datadoghq.eu", "CARTOGRAPH_HOME", "/opt/c", "PATH", "/bin"))
                .load(file.toString(), null);

        assertTrue(result.valid(), result.message());
        assertEquals(List.of(
                file + ":3: unknown key 'system_probe_config.sysprobe_socket' ignored",
                file + ":5: unknown key 'cartograph.intervall' ignored",
                file + ":7: unknown key 'cartograph.http.hots' ignored",
                "unknown environment variable CARTOGRAPH_INTERVALL ignored",
                "unknown environment variable DD_SYSTEM_PROBE_CONFIG_FOO ignored"), warnings);
        assertEquals(5, result.warnings());
    }

    @Test
    void badYamlNamesFileAndLine() throws IOException {
        Path file = write("""
                cartograph:
                  interval: 10s
                  http:
                    host: [unclosed
                  data_dir: /x
                """);
        LoadResult result = loader(Map.of()).load(file.toString(), null);

        assertFalse(result.valid());
        assertTrue(result.message().startsWith("invalid configuration: " + file + ":"), result.message());
        assertTrue(result.message().contains("invalid YAML"), result.message());
        int line = Integer.parseInt(result.message().split(":")[2]);
        assertTrue(line >= 4 && line <= 6, result.message());
    }

    @Test
    void wrongTypeNamesFileLineAndKey() throws IOException {
        Path file = write("""
                network_config:
                  enabled: maybe
                """);
        LoadResult result = loader(Map.of()).load(file.toString(), null);

        assertEquals("invalid configuration: " + file + ":2: network_config.enabled: expected true or false, got 'maybe'",
                result.message());
    }

    @Test
    void outOfRangeNamesFileLineAndKey() throws IOException {
        Path file = write("""
                # comment
                cartograph:
                  http:
                    port: 70000
                """);
        LoadResult result = loader(Map.of()).load(file.toString(), null);

        assertEquals("invalid configuration: " + file
                + ":4: cartograph.http.port: expected a port number between 1 and 65535, got '70000'", result.message());
    }

    @Test
    void multipleErrorsAreAllListedAndNothingIsPlanned() throws IOException {
        Path file = write("""
                cartograph:
                  interval: abc
                  host_name: ok
                system_probe_config:
                  dns_timeout_in_s: 301
                  enabled: true
                  enabled: false
                network_config: yes
                """);
        LoadResult result = loader(Map.of("CARTOGRAPH_SINKS_JSONL_MAX_FILES", "0")).load(file.toString(), null);

        assertTrue(result.plan().isEmpty());
        assertEquals(String.join("\n",
                "invalid configuration: " + file + ":2: cartograph.interval: expected a duration between 1s and 1h"
                        + " such as 10s, got 'abc'",
                "  " + file + ":5: system_probe_config.dns_timeout_in_s: expected an integer between 1 and 300, got '301'",
                "  " + file + ":7: system_probe_config.enabled: duplicate key",
                "  " + file + ":8: network_config: expected a mapping of settings, got a scalar",
                "  environment variable CARTOGRAPH_SINKS_JSONL_MAX_FILES: cartograph.sinks.jsonl.max_files: expected"
                        + " an integer between 1 and 1000, got '0'"), result.message());
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        LoadResult result = loader(Map.of("CARTOGRAPH_INTERVAL", "abc")).load(null, null);

        assertEquals("invalid configuration: environment variable CARTOGRAPH_INTERVAL: cartograph.interval: expected a"
                + " duration between 1s and 1h such as 10s, got 'abc'", result.message());
    }

    @Test
    void subSecondIntervalIsAnError() throws IOException {
        Path file = write("cartograph:\n  interval: 500ms\n");
        assertEquals("invalid configuration: " + file + ":2: cartograph.interval: expected a duration between 1s and 1h"
                + " such as 10s, got '500ms' (sub-second values are not supported)",
                loader(Map.of()).load(file.toString(), null).message());
    }

    @Test
    void passwordNeverAppearsInMessagesOrWarnings() throws IOException {
        String secret = "hunter2-very-secret";
        Path file = write("""
                cartograph:
                  console:
                    password: hunter2-very-secret
                    pasword: hunter2-very-secret
                    user: ""
                  interval: abc
                """);
        LoadResult fromFile = loader(Map.of("CARTOGRAPH_CONSOLE_PASSWORD", secret, "CARTOGRAPH_CONSOLE_PASSWD", secret))
                .load(file.toString(), null);
        LoadResult listValued = load("cartograph:\n  console:\n    password: [hunter2-very-secret]\n", Map.of());
        LoadResult emptyEnv = loader(Map.of("CARTOGRAPH_CONSOLE_PASSWORD", " ")).load(null, null);
        LoadResult brokenLine = load("cartograph:\n  console:\n    password: \"hunter2-very-secret\n", Map.of());

        assertTrue(fromFile.message().contains("cartograph.console.user: expected a non-empty string"));
        assertTrue(fromFile.message().contains("cartograph.interval: expected a duration"));
        assertTrue(listValued.message().contains("cartograph.console.password: expected a non-empty string, got a list"));
        assertTrue(emptyEnv.message().contains("CARTOGRAPH_CONSOLE_PASSWORD: cartograph.console.password: expected a"
                + " non-empty string, got an empty value"), emptyEnv.message());
        assertFalse(brokenLine.valid());
        for (LoadResult r : List.of(fromFile, listValued, emptyEnv, brokenLine)) {
            assertFalse(r.message().contains("hunter2"), r.message());
        }
        assertFalse(warnings.isEmpty());
        warnings.forEach(w -> assertFalse(w.contains("hunter2"), w));
    }

    @Test
    void missingFileIsAnError() {
        Path missing = dir.resolve("nope.yaml");
        assertEquals("invalid configuration: " + missing + ": configuration file not found",
                loader(Map.of()).load(missing.toString(), null).message());
    }

    @Test
    void emptyFileAndEmptySectionsAreFine() throws IOException {
        assertTrue(load("", Map.of()).valid());
        LoadResult sections = load("cartograph:\nsystem_probe_config:\n  enabled:\n", Map.of());
        assertTrue(sections.valid(), sections.message());
        assertEquals(0, sections.plan().orElseThrow().keys());
    }

    @Test
    void httpServerDefaultsToLocalOnly() {
        ConfigPlan none = loader(Map.of()).load(null, null).plan().orElseThrow();
        ConfigPlan port = loader(Map.of("CARTOGRAPH_HTTP_PORT", "8443")).load(null, null).plan().orElseThrow();

        assertEquals(Map.of("org.apache.felix.http.host", "127.0.0.1", "org.osgi.service.http.port", 7777),
                none.configurations().get("org.apache.felix.http"));
        assertEquals(0, none.keys(), "a default is not a key set");
        assertEquals(Map.of("org.apache.felix.http.host", "127.0.0.1", "org.osgi.service.http.port", 8443),
                port.configurations().get("org.apache.felix.http"));
    }

    @Test
    void defaultsLiveUnderHome() {
        ConfigPlan plan = loader(Map.of()).load(null, "home").plan().orElseThrow();

        assertEquals(dir.resolve("home/deploy"), plan.deployDir());
        assertEquals(Map.of("data.dir", dir.resolve("home/data").toString()),
                plan.configurations().get("org.cartograph.webconsole"));
        assertEquals(Map.of(
                "felix.fileinstall.dir", dir.resolve("home/deploy").toString(),
                "felix.fileinstall.poll", 1000L,
                "felix.fileinstall.noInitialDelay", true,
                "felix.fileinstall.filter", ".*\\.(jar|cfg|config)",
                "felix.fileinstall.bundles.new.start", true,
                "felix.fileinstall.log.level", 3,
                "felix.fileinstall.enableConfigSave", false), plan.fileInstall());
    }

    @Test
    void anEnablingKeyWritesAnEmptyConfigurationAndFalseRemovesIt() {
        ConfigPlan on = loader(Map.of("CARTOGRAPH_SINKS_PROMETHEUS_ENABLED", "true")).load(null, null).plan().orElseThrow();
        assertEquals(Map.of(), on.configurations().get("org.cartograph.sink.prometheus"));
        ConfigPlan off = loader(Map.of("CARTOGRAPH_SINKS_PROMETHEUS_ENABLED", "false",
                "CARTOGRAPH_SINKS_PROMETHEUS_SERIES_LIMIT", "50")).load(null, null).plan().orElseThrow();
        assertEquals(null, off.configurations().get("org.cartograph.sink.prometheus"), "off wins over other keys");
    }
}
