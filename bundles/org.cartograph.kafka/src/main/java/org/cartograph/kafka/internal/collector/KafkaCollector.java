package org.cartograph.kafka.internal.collector;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cartograph.kafka.internal.KafkaClients;
import org.cartograph.kafka.internal.KafkaSecurity;
import org.cartograph.sink.BatchPublisher;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes agents' batches from a Kafka topic as a member of a consumer group (several
 * collectors share the partitions) and publishes each through the core's
 * {@link BatchPublisher}, so they reach this process's sinks and store as a local batch would.
 * Offsets are committed only after publishing. Runs on the thread {@value #THREAD}; exists only
 * while configured.
 */
@Component(configurationPid = KafkaCollector.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = StatusContributor.class)
@Designate(ocd = KafkaCollectorConfig.class)
public final class KafkaCollector implements StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.collector.kafka";
    /** The component name in {@link #status()}. */
    public static final String COMPONENT = "collector.kafka";
    /** The consumer's thread. */
    public static final String THREAD = "cartograph-collector-kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCollector.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final ConsumeLoop loop;
    private final Thread thread;
    private final String topic;
    private final String group;
    /** Protocol, mechanism and user; no secret. */
    private final String security;

    /**
     * @param config    the collector's configuration
     * @param publisher hands each consumed batch to every sink
     * @throws IllegalArgumentException if a setting is missing or invalid
     */
    @Activate
    public KafkaCollector(KafkaCollectorConfig config, @Reference BatchPublisher publisher) {
        String servers = KafkaClients.requireServers(config.bootstrap_servers());
        topic = required("topic", config.topic());
        group = required("group.id", config.group_id());
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.client_id());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.auto_offset_reset());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.max_poll_records()));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(config.session_timeout_ms()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(1000, config.session_timeout_ms() / 3)));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        KafkaSecurity securitySettings = KafkaSecurity.of(config);
        securitySettings.applyTo(p);
        security = securitySettings.describe();
        KafkaConsumer<String, byte[]> consumer = KafkaClients.create(
                () -> new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer()));
        loop = new ConsumeLoop(consumer, topic, publisher, POLL_TIMEOUT);
        thread = Thread.ofPlatform().name(THREAD).daemon().start(loop);
        LOG.info("Kafka collector consuming {} at {} over {} in group {}", topic, servers, security, group);
    }

    /** Leaves the group (its partitions go to the other collectors) and closes the consumer. */
    @Deactivate
    void deactivate() {
        loop.stop();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Kafka collector for {} stopped", topic);
    }

    /**
     * @return one status: counters {@code decoded}, {@code malformed}, {@code incomplete} (split
     *         batches given up), {@code duplicates} (resent records ignored), {@code errors},
     *         {@code lag}, {@code partitions}, {@code awaiting_sinks} (published batches not yet
     *         finished by every sink: their offsets are not committed); attributes {@code topic}, {@code group},
     *         {@code last_error}, {@code security} (protocol, mechanism and user; never a password)
     */
    @Override
    public List<ComponentStatus> status() {
        ConsumeLoop.State s = loop.state();
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("decoded", loop.published());
        c.put("malformed", loop.malformed());
        c.put("incomplete", loop.abandoned());
        c.put("duplicates", loop.duplicates());
        c.put("errors", loop.errors());
        c.put("lag", loop.lag());
        c.put("awaiting_sinks", loop.awaitingSinks());
        c.put("partitions", loop.partitions());
        Health health = !s.healthy() ? Health.DEGRADED : loop.partitions() == 0 ? Health.STARTING : Health.OK;
        String message = !s.healthy()
                ? (KafkaClients.isRefusal(s.lastError()) ? "brokers refuse this client (" + security + "): " : "")
                        + s.lastError()
                : loop.partitions() == 0 ? "no partition assigned yet" : "";
        return List.of(new ComponentStatus(COMPONENT, health, message, c,
                Map.of("topic", topic, "group", group, "last_error", s.lastError(), "security", security), s.since()));
    }

    private static String required(String name, String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return v;
    }
}
