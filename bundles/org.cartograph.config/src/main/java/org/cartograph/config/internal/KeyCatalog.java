package org.cartograph.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.cartograph.config.internal.ValueType.Bool;
import org.cartograph.config.internal.ValueType.Duration;
import org.cartograph.config.internal.ValueType.FsPath;
import org.cartograph.config.internal.ValueType.HeaderList;
import org.cartograph.config.internal.ValueType.Host;
import org.cartograph.config.internal.ValueType.Int;
import org.cartograph.config.internal.ValueType.StringList;
import org.cartograph.config.internal.ValueType.Text;

/**
 * The known configuration keys. The PIDs and property names are a contract with the bundles
 * that read them; add keys here (one line each), never rename. Immutable and thread-safe.
 */
final class KeyCatalog {

    static final String PIPELINE = "org.cartograph.core.pipeline";
    static final String DNS = "org.cartograph.dns";
    static final String NAT = "org.cartograph.nat";
    static final String HTTP = "org.apache.felix.http";
    static final String STORE = "org.cartograph.store";
    static final String DATA_DIR_KEY = "cartograph.data_dir";
    /**
     * Marker property of a boolean key that switches a component on or off: true writes the
     * PID's configuration (empty if no other key is set), false removes it.
     */
    static final String ENABLED = "@enabled";
    static final String WEBCONSOLE = "org.cartograph.webconsole";
    static final String SINK_JSONL = "org.cartograph.sink.jsonl";
    static final String CAPTURE_REPLAY = "org.cartograph.capture.replay";
    /** FileInstall's factory PID: written as one named factory configuration, see {@link ConfigWriter}. */
    static final String FILEINSTALL = "org.apache.felix.fileinstall";
    static final String DEPLOY_DIR_PROPERTY = "felix.fileinstall.dir";
    static final String DATA_DIR_PROPERTY = "data.dir";
    /**
     * PIDs that keep state under the data directory but exist only when configured otherwise:
     * they get {@link #DATA_DIR_PROPERTY} when present, and are never created for it.
     */
    static final List<String> DATA_DIR_FOLLOWERS = List.of("org.cartograph.sink.kafka");

    /** The top-level YAML sections read; all others are ignored. */
    static final Set<String> SECTIONS = Set.of("cartograph", "system_probe_config", "network_config");

    /** Variables with a reserved prefix that the launcher uses; not configuration keys. */
    static final Set<String> LAUNCHER_ENVIRONMENT = Set.of("CARTOGRAPH_HOME", "CARTOGRAPH_CONFIG",
            "CARTOGRAPH_JAVA_OPTS", "CARTOGRAPH_PROBE_JAVA_OPTS", "CARTOGRAPH_SKIP_BUILD");

    private static final int MILLION10 = 10_000_000;

    private final Map<String, ConfigKey> byPath;
    private final Map<String, ConfigKey> byEnvironment;
    private final Set<String> prefixes;

    /** @param keys the keys; paths and environment names must be unique */
    KeyCatalog(List<ConfigKey> keys) {
        Map<String, ConfigKey> paths = new LinkedHashMap<>();
        Map<String, ConfigKey> env = new LinkedHashMap<>();
        Set<String> parents = new LinkedHashSet<>();
        for (ConfigKey key : keys) {
            if (paths.put(key.path(), key) != null) {
                throw new IllegalArgumentException("duplicate key " + key.path());
            }
            for (String name : key.environment()) {
                if (env.put(name, key) != null) {
                    throw new IllegalArgumentException("duplicate environment variable " + name);
                }
            }
            String path = key.path();
            for (int dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
                parents.add(path.substring(0, dot));
            }
        }
        this.byPath = Collections.unmodifiableMap(paths);
        this.byEnvironment = Collections.unmodifiableMap(env);
        this.prefixes = Collections.unmodifiableSet(parents);
    }

    /** @return the catalog of this release */
    static KeyCatalog standard() {
        List<ConfigKey> k = new ArrayList<>();
        Bool bool = new Bool();
        Int count = new Int("an integer", 1, MILLION10);
        k.add(ConfigKey.of("cartograph.interval", new Duration(1, 3600), PIPELINE, "interval.seconds",
                "How often connections are collected and a batch is sent."));
        k.add(ConfigKey.of("cartograph.max_flows_per_batch", count, PIPELINE, "max.flows.per.batch",
                "Most flows in one batch; an interval with more is sent as several batches, bounding memory."));
        k.add(ConfigKey.of("cartograph.host_name", new Text(false), PIPELINE, "host.name",
                "Host name reported with each batch; empty means detected."));
        k.add(ConfigKey.of("network_config.enabled", bool, PIPELINE, "network.enabled",
                "Enable network performance monitoring."));
        k.add(ConfigKey.of("system_probe_config.enabled", bool, PIPELINE, "system.probe.enabled",
                "Enable the system probe.").withAlias("DD_SYSTEM_PROBE_ENABLED"));
        k.add(ConfigKey.of("system_probe_config.max_tracked_connections", count, PIPELINE,
                "max.tracked.connections", "Most connections tracked at once."));
        k.add(ConfigKey.of("system_probe_config.closed_channel_size", count, PIPELINE, "closed.channel.size",
                "Capacity of the closed-connection buffer."));
        k.add(ConfigKey.of("system_probe_config.collect_tcp", bool, PIPELINE, "collect.tcp", "Collect TCP connections."));
        k.add(ConfigKey.of("system_probe_config.collect_udp", bool, PIPELINE, "collect.udp", "Collect UDP connections."));
        k.add(ConfigKey.of("system_probe_config.collect_ipv6", bool, PIPELINE, "collect.ipv6",
                "Collect IPv6 connections."));
        k.add(ConfigKey.of("system_probe_config.collect_dns_stats", bool, DNS, "collect.dns.stats",
                "Collect DNS statistics."));
        k.add(ConfigKey.of("system_probe_config.collect_dns_domains", bool, DNS, "collect.dns.domains",
                "Collect statistics per DNS domain."));
        k.add(ConfigKey.of("system_probe_config.dns_timeout_in_s", new Int("an integer", 1, 300), DNS,
                "dns.timeout.in.s", "Seconds after which a DNS query without answer counts as timed out."));
        k.add(ConfigKey.of("system_probe_config.max_dns_stats", count, DNS, "max.dns.stats",
                "Most DNS statistics entries kept per interval."));
        k.add(ConfigKey.of("system_probe_config.collect_local_dns", bool, DNS, "collect.local.dns",
                "Also collect DNS traffic to local resolvers."));
        k.add(ConfigKey.of("system_probe_config.dns_recorded_query_types", new StringList(), DNS,
                "dns.recorded.query.types", "DNS query types recorded, e.g. [A, AAAA]; empty means all."));
        k.add(ConfigKey.of("system_probe_config.enable_conntrack", bool, NAT, "enable.conntrack",
                "Resolve NAT through conntrack."));
        k.add(ConfigKey.of("system_probe_config.conntrack_max_state_size", count, NAT, "conntrack.max.state.size",
                "Most conntrack entries kept."));
        // Felix HTTP would listen on all interfaces, port 8080: Cartograph's default is local only.
        k.add(ConfigKey.of("cartograph.http.host", new Host(), HTTP, "org.apache.felix.http.host",
                "Address the HTTP server (status, console) listens on.").withFallback("127.0.0.1"));
        k.add(ConfigKey.of("cartograph.http.port", new Int("a port number", 1, 65535), HTTP,
                "org.osgi.service.http.port", "Port of the HTTP server.").withFallback("7777"));
        k.add(ConfigKey.of("cartograph.deploy_dir", new FsPath(false), FILEINSTALL, DEPLOY_DIR_PROPERTY,
                "Folder watched for bundles and configurations; default deploy under the home."));
        k.add(ConfigKey.of(DATA_DIR_KEY, new FsPath(false), WEBCONSOLE, DATA_DIR_PROPERTY,
                "Folder for data kept across restarts; default data under the home.")
                .withTarget(STORE, DATA_DIR_PROPERTY));
        k.add(ConfigKey.of("cartograph.console.user", new Text(true), WEBCONSOLE, "user", "Web console user name."));
        k.add(ConfigKey.of("cartograph.console.password", new Text(true), WEBCONSOLE, "password",
                "Web console password.").withSecret());
        k.add(ConfigKey.of("cartograph.sinks.jsonl.path", new FsPath(true), SINK_JSONL, "path",
                "File the JSON-lines sink writes to, or - for standard output."));
        k.add(ConfigKey.of("cartograph.sinks.jsonl.max_file_size_mb", new Int("an integer", 1, 100_000), SINK_JSONL,
                "max.file.size.mb", "Size in MB at which the JSON-lines file is rotated."));
        k.add(ConfigKey.of("cartograph.sinks.jsonl.max_files", new Int("an integer", 1, 1000), SINK_JSONL,
                "max.files", "Rotated JSON-lines files kept."));
        k.add(ConfigKey.of("cartograph.capture.replay.script", new FsPath(false), CAPTURE_REPLAY, "script",
                "Script of connections the replay capture backend plays."));
        k.add(ConfigKey.of("cartograph.capture.probe_socket", new FsPath(false), "org.cartograph.capture.probe",
                "socket", "Socket of a capture probe (bin/cartograph probe); setting it captures through the probe."));
        k.add(ConfigKey.of("cartograph.store.enabled", bool, STORE, ENABLED,
                "Keep flows in the embedded store for the query API and the UI (on by default)."));
        k.add(ConfigKey.of("cartograph.store.retention_hours", new Int("an integer", 1, 87_600), STORE,
                "retention.hours", "Hours of flows the store keeps."));
        k.add(ConfigKey.of("cartograph.store.max_size_mb", new Int("an integer", 1, MILLION10), STORE,
                "max.size.mb", "Size in MB beyond which the store deletes its oldest rows."));
        k.add(ConfigKey.of("cartograph.store.price_file", new FsPath(false), STORE, "price.file",
                "Price table per GB and traffic class, overriding the built-in defaults."));
        k.add(ConfigKey.of("cartograph.integrations.disabled", new StringList(), "org.cartograph.ui.integrations",
                "disabled", "Integrations (DS component names) kept disabled."));
        k.add(ConfigKey.of("system_probe_config.dns_monitoring_ports", new StringList(), DNS, "dns.monitoring.ports",
                "Ports whose UDP and TCP traffic is parsed as DNS, e.g. [53]."));
        String prometheus = "org.cartograph.sink.prometheus";
        k.add(ConfigKey.of("cartograph.sinks.prometheus.enabled", bool, prometheus, ENABLED,
                "Serve /metrics in the Prometheus format."));
        k.add(ConfigKey.of("cartograph.sinks.prometheus.labels", new StringList(), prometheus, "labels",
                "Labels as NAME=SOURCE|SOURCE, sources local.TAG, remote.TAG or flow.FIELD."));
        k.add(ConfigKey.of("cartograph.sinks.prometheus.series_limit", count, prometheus, "series.limit",
                "Most label sets per metric family; beyond it they are counted under other."));
        String otlp = "org.cartograph.sink.otlp";
        k.add(ConfigKey.of("cartograph.sinks.otlp.enabled", bool, otlp, ENABLED, "Export metrics over OTLP."));
        k.add(ConfigKey.of("cartograph.sinks.otlp.endpoint", new Text(true), otlp, "endpoint",
                "OTLP endpoint, e.g. http://127.0.0.1:4318 (http/protobuf) or http://127.0.0.1:4317 (grpc).")
                .withAlias("OTEL_EXPORTER_OTLP_ENDPOINT"));
        k.add(ConfigKey.of("cartograph.sinks.otlp.protocol", new Text(true), otlp, "protocol", "grpc or http/protobuf.")
                .withAlias("OTEL_EXPORTER_OTLP_PROTOCOL"));
        k.add(ConfigKey.of("cartograph.sinks.otlp.headers", new HeaderList(), otlp, "headers",
                "Request headers as name=value.").withAlias("OTEL_EXPORTER_OTLP_HEADERS").withSecret());
        k.add(ConfigKey.of("cartograph.sinks.otlp.compression", new Text(true), otlp, "compression",
                "none or gzip.").withAlias("OTEL_EXPORTER_OTLP_COMPRESSION"));
        k.add(ConfigKey.of("cartograph.sinks.otlp.export_logs", bool, otlp, "export.logs",
                "Also export each flow as a log record."));
        String kafka = "org.cartograph.sink.kafka";
        k.add(ConfigKey.of("cartograph.sinks.kafka.bootstrap_servers", new Text(true), kafka, "bootstrap.servers",
                "Kafka brokers (host:port,...); setting them turns the Kafka sink on."));
        k.add(ConfigKey.of("cartograph.sinks.kafka.topic", new Text(true), kafka, "topic", "Topic batches go to."));
        k.add(ConfigKey.of("cartograph.sinks.kafka.spool_dir", new FsPath(false), kafka, "spool.dir",
                "Where batches wait while the brokers are unreachable."));
        k.add(ConfigKey.of("cartograph.sinks.kafka.spool_max_mb", count, kafka, "spool.max.mb", "Spool bound in MB."));
        String collector = "org.cartograph.collector.kafka";
        k.add(ConfigKey.of("cartograph.collector.kafka.bootstrap_servers", new Text(true), collector,
                "bootstrap.servers", "Kafka brokers a collector consumes from; setting them turns the collector on."));
        k.add(ConfigKey.of("cartograph.collector.kafka.topic", new Text(true), collector, "topic", "Topic consumed."));
        k.add(ConfigKey.of("cartograph.collector.kafka.group_id", new Text(true), collector, "group.id",
                "Consumer group shared by the collectors."));
        k.add(ConfigKey.of("cartograph.collector.kafka.session_timeout_ms", new Int("an integer", 6000, 1_800_000),
                collector, "session.timeout.ms", "Silence after which a collector's partitions go to another."));
        KafkaSecurityKeys.addTo(k, "cartograph.sinks.kafka.", kafka);
        KafkaSecurityKeys.addTo(k, "cartograph.collector.kafka.", collector);
        MetadataKeys.addTo(k);
        return new KeyCatalog(k);
    }

    /**
     * @param path a dotted YAML path
     * @return its environment variable: {@code cartograph.a.b_c} → {@code CARTOGRAPH_A_B_C},
     *         {@code system_probe_config.x} → {@code DD_SYSTEM_PROBE_CONFIG_X},
     *         {@code network_config.x} → {@code DD_SYSTEM_PROBE_NETWORK_X}
     */
    static String environmentName(String path) {
        String name;
        if (path.startsWith("system_probe_config.")) {
            name = "DD_SYSTEM_PROBE_CONFIG_" + path.substring("system_probe_config.".length());
        } else if (path.startsWith("network_config.")) {
            name = "DD_SYSTEM_PROBE_NETWORK_" + path.substring("network_config.".length());
        } else {
            name = path;
        }
        return name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** @return the key at this dotted path */
    Optional<ConfigKey> byPath(String path) {
        return Optional.ofNullable(byPath.get(path));
    }

    /** @return the key read from this environment variable */
    Optional<ConfigKey> byEnvironment(String name) {
        return Optional.ofNullable(byEnvironment.get(name));
    }

    /** @return true if keys live below this path (a section or a group such as {@code cartograph.http}) */
    boolean isParent(String path) {
        return prefixes.contains(path);
    }

    /**
     * @return true for names with a Cartograph or system-probe prefix that are not keys and not
     *         launcher variables: worth a warning (other DD_* variables belong to other agents)
     */
    boolean isUnknownReserved(String name) {
        boolean reserved = name.startsWith("CARTOGRAPH_") || name.startsWith("DD_SYSTEM_PROBE_");
        return reserved && !byEnvironment.containsKey(name) && !LAUNCHER_ENVIRONMENT.contains(name);
    }

    /** @return all keys, in table order */
    List<ConfigKey> keys() {
        return List.copyOf(byPath.values());
    }

    /** @return every PID written to, except FileInstall's factory PID, in table order */
    Set<String> pids() {
        Set<String> pids = new LinkedHashSet<>();
        for (ConfigKey key : byPath.values()) {
            key.targets().stream().map(ConfigKey.Target::pid).filter(p -> !p.equals(FILEINSTALL)).forEach(pids::add);
        }
        return pids;
    }
}
