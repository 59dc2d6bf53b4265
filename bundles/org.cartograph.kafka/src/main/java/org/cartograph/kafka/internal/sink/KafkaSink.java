package org.cartograph.kafka.internal.sink;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.KafkaClients;
import org.cartograph.kafka.internal.KafkaSecurity;
import org.cartograph.kafka.internal.schema.BatchCodec;
import org.cartograph.sink.FlowSink;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link FlowSink} that publishes every batch to a Kafka topic (key: the host name; value:
 * {@code cartograph.v1.FlowBatch}, see {@link BatchCodec}) through an on-disk spool.
 *
 * <p>{@link #deliver} never blocks: on the thread {@value #THREAD} the batch is encoded and
 * written to the spool, and the delivery succeeds once it is there. The thread
 * {@value #SENDER_THREAD} sends the spool's records in order and removes each once the brokers
 * acknowledged it, so batches wait on disk (and survive a restart) while the brokers are
 * unreachable; beyond the spool's bound the oldest are dropped and counted. Exists only while
 * configured.
 */
@Component(configurationPid = KafkaSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {FlowSink.class, StatusContributor.class})
@Designate(ocd = KafkaSinkConfig.class)
public final class KafkaSink implements FlowSink, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.sink.kafka";
    /** The sink's {@link #name()}. */
    public static final String NAME = "kafka";
    /** The component name in {@link #status()}. */
    public static final String COMPONENT = "sink.kafka";
    /** The thread that spools delivered batches. */
    public static final String THREAD = "cartograph-sink-kafka";
    /** The thread that sends spooled batches. */
    public static final String SENDER_THREAD = "cartograph-sink-kafka-sender";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSink.class);
    private static final Set<String> COMPRESSIONS = Set.of("lz4", "gzip", "none");
    private static final long SHUTDOWN_WAIT_SECONDS = 10;
    private static final long SENDER_GRACE_SECONDS = 2;
    private static final int MIN_RECORD_BYTES = 1024;
    /** Room the producer needs besides the value: key, headers, record framing. */
    private static final int REQUEST_HEADROOM = 64 * 1024;

    private final BatchCodec codec = new BatchCodec();
    private final Spool spool;
    private final RecordTransport transport;
    private final SpoolSender sender;
    private final ExecutorService executor;
    private final Thread senderThread;
    private final String target;
    /** What {@link KafkaSecurity#describe()} says: protocol, mechanism, user; no secret. */
    private final String security;
    private final int maxRecordBytes;
    private final AtomicLong spooled = new AtomicLong();
    private final AtomicLong spoolErrors = new AtomicLong();
    private final AtomicLong tooLarge = new AtomicLong();
    /** Written on the sink's thread, read from any. */
    private volatile String lastSpoolError = "";

    /**
     * @param config the sink's configuration
     * @throws IOException if the spool directory cannot be opened
     * @throws IllegalArgumentException if a setting is missing or out of range
     */
    @Activate
    public KafkaSink(KafkaSinkConfig config) throws IOException {
        this(config, new KafkaTransport(KafkaClients.requireServers(config.bootstrap_servers()), topic(config),
                config.client_id(), compression(config), Duration.ofSeconds(config.delivery_timeout_seconds()),
                config.max_record_bytes() + REQUEST_HEADROOM, KafkaSecurity.of(config)));
    }

    /** For tests: the same sink over another transport. */
    KafkaSink(KafkaSinkConfig config, RecordTransport transport) throws IOException {
        this.security = KafkaSecurity.of(config).describe();
        if (config.spool_max_mb() < 1 || config.spool_max_batches() < 1 || config.delivery_timeout_seconds() < 1) {
            throw new IllegalArgumentException("spool.max.mb, spool.max.batches and delivery.timeout.seconds must be"
                    + " at least 1");
        }
        if (config.max_record_bytes() < MIN_RECORD_BYTES) {
            throw new IllegalArgumentException("max.record.bytes must be at least " + MIN_RECORD_BYTES);
        }
        this.maxRecordBytes = config.max_record_bytes();
        this.transport = transport;
        this.target = topic(config) + " at " + config.bootstrap_servers();
        this.spool = new Spool(spoolDir(config), config.spool_max_mb() * 1024L * 1024L, config.spool_max_batches());
        Duration ack = Duration.ofSeconds(config.delivery_timeout_seconds() + 5L);
        this.sender = new SpoolSender(spool, transport, ack, Duration.ofSeconds(Math.max(1, config.max_backoff_seconds())));
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        this.senderThread = Thread.ofPlatform().name(SENDER_THREAD).daemon().start(sender);
        LOG.info("Kafka sink publishing to topic {} over {} (spool {}, {} batches waiting)", target, security,
                spool.dir(), spool.records());
    }

    /** Stops sending; what is not yet acknowledged stays in the spool for the next start. */
    @Deactivate
    void deactivate() {
        executor.shutdown();
        sender.stop();
        try {
            executor.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
            senderThread.join(TimeUnit.SECONDS.toMillis(SENDER_GRACE_SECONDS));
            // a record still in flight (brokers unreachable) fails now and stays in the spool
            transport.close();
            senderThread.join(TimeUnit.SECONDS.toMillis(SHUTDOWN_WAIT_SECONDS));
        } catch (InterruptedException e) {
            transport.close();
            Thread.currentThread().interrupt();
        }
        LOG.info("Kafka sink for {} stopped; {} batches left in the spool", target, spool.records());
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Queues the batch for the sink's thread and returns at once.
     *
     * @return completes on the sink's thread: success once the batch is in the spool; a
     *         retryable failure if it cannot be written there; a permanent one if it is larger
     *         than the spool
     */
    @Override
    public CompletionStage<SinkResult> deliver(FlowBatch batch) {
        try {
            return CompletableFuture.supplyAsync(() -> spool(batch), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(SinkResult.retry("the Kafka sink for " + target + " is stopped"));
        }
    }

    /**
     * @return one status: counters {@code sent}, {@code spooled}, {@code spool_batches},
     *         {@code spool_bytes}, {@code dropped} (and its causes), {@code send_failures};
     *         attributes {@code connected}, {@code topic}, {@code spool_dir}, {@code last_error},
     *         {@code security} (protocol, mechanism and user; never a password)
     */
    @Override
    public List<ComponentStatus> status() {
        SpoolSender.Link link = sender.link();
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("sent", sender.sent());
        c.put("spooled", spooled.get());
        c.put("spool_batches", (long) spool.records());
        c.put("spool_bytes", spool.bytes());
        c.put("dropped", spool.dropped() + spool.corrupt() + sender.rejected() + tooLarge.get());
        c.put("dropped_spool_full", spool.dropped());
        c.put("dropped_spool_corrupt", spool.corrupt());
        c.put("dropped_rejected", sender.rejected() + tooLarge.get());
        c.put("send_failures", sender.failures());
        c.put("spool_errors", spoolErrors.get());
        String error = !lastSpoolError.isEmpty() ? lastSpoolError : link.lastError();
        Health health;
        String message;
        if (!lastSpoolError.isEmpty()) {
            health = Health.DEGRADED;
            message = lastSpoolError;
        } else if (link.connected()) {
            health = Health.OK;
            message = "";
        } else if (sender.sent() == 0 && link.lastError().isEmpty()) {
            health = Health.STARTING;
            message = "nothing sent yet";
        } else if (KafkaClients.isRefusal(link.lastError())) {
            health = Health.DEGRADED;
            message = "brokers refuse this client (" + security + "), spooling: " + link.lastError();
        } else {
            health = Health.DEGRADED;
            message = "brokers unreachable, spooling: " + link.lastError();
        }
        Map<String, String> a = Map.of("connected", String.valueOf(link.connected()), "topic", target,
                "spool_dir", spool.dir().toString(), "last_error", error, "security", security);
        return List.of(new ComponentStatus(COMPONENT, health, message, c, a, link.since()));
    }

    /** Runs on the sink's thread. */
    private SinkResult spool(FlowBatch batch) {
        if (batch == null) {
            return SinkResult.reject("no batch");
        }
        try {
            spool.append(batch.host(), codec.encode(batch, maxRecordBytes));
            spooled.incrementAndGet();
            if (!lastSpoolError.isEmpty()) {
                LOG.info("Kafka sink writes to its spool {} again", spool.dir());
                lastSpoolError = "";
            }
            return SinkResult.success();
        } catch (IllegalArgumentException e) {
            tooLarge.incrementAndGet();
            return SinkResult.reject("batch " + batch.sequence() + ": " + e.getMessage());
        } catch (IOException e) {
            spoolErrors.incrementAndGet();
            String why = "cannot write to the spool " + spool.dir() + ": " + e;
            if (lastSpoolError.isEmpty()) {
                LOG.warn("{}; the batch will be retried", why);
            }
            lastSpoolError = why;
            return SinkResult.retry(why);
        }
    }

    private static String topic(KafkaSinkConfig config) {
        String t = config.topic() == null ? "" : config.topic().strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("topic must not be empty");
        }
        return t;
    }

    private static String compression(KafkaSinkConfig config) {
        String c = config.compression() == null ? "" : config.compression().strip().toLowerCase(Locale.ROOT);
        if (!COMPRESSIONS.contains(c)) {
            throw new IllegalArgumentException("compression must be one of " + COMPRESSIONS + ", not '"
                    + config.compression() + "'");
        }
        return c;
    }

    private static Path spoolDir(KafkaSinkConfig config) {
        String dir = config.spool_dir() == null ? "" : config.spool_dir().strip();
        return dir.isEmpty() ? Path.of(config.data_dir(), "kafka-spool").toAbsolutePath() : Path.of(dir).toAbsolutePath();
    }
}
