package org.cartograph.metadata.ecs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadMetadataProvider;
import org.cartograph.metadata.WorkloadWriter;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the ECS task metadata endpoint v4 ({@code ECS_CONTAINER_METADATA_URI_V4}, or the
 * configured URI) for this task: {@code task_name}, {@code task_family}, {@code task_version},
 * {@code task_arn}, {@code ecs_cluster_name}, {@code ecs_container_name},
 * {@code availability_zone}, container ids and addresses; EC2 and Fargate. Exists only while
 * configured.
 *
 * <p>Polls on the provider's thread ({@value #THREAD}); the store is written only when the
 * document changes. Errors, garbage, missing fields and oversized bodies keep the last good data,
 * are reported in {@link #status()} (any thread, no I/O) and retried with backoff.
 */
@Component(configurationPid = EcsProvider.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {WorkloadMetadataProvider.class, StatusContributor.class})
@Designate(ocd = EcsProvider.Config.class)
public final class EcsProvider implements WorkloadMetadataProvider, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.metadata.ecs";
    /** The provider's {@link #name()}, and the source of its entities. */
    public static final String NAME = "ecs";
    /** The name of the provider's thread. */
    public static final String THREAD = "cartograph-metadata-ecs";

    private static final Logger LOG = LoggerFactory.getLogger(EcsProvider.class);
    private static final int MAX_BODY = 4 * 1024 * 1024;

    /** Configuration of the ECS metadata provider. */
    @ObjectClassDefinition(name = "Cartograph ECS metadata", description = "This ECS task from the task metadata endpoint v4.")
    public @interface Config {

        /** @return the v4 endpoint; empty for {@code ECS_CONTAINER_METADATA_URI_V4} */
        @AttributeDefinition(name = "Metadata URI", required = false,
                description = "Empty: the ECS_CONTAINER_METADATA_URI_V4 environment variable set by ECS.")
        String metadata_uri() default "";

        /** @return the poll interval */
        @AttributeDefinition(name = "Poll interval (ms)", min = "100")
        int poll_interval_ms() default 10_000;

        /** @return bound on one request */
        @AttributeDefinition(name = "Request timeout (ms)", min = "100")
        int request_timeout_ms() default 5_000;
    }

    private record Condition(Health health, String message, Instant since) {
    }

    private final String uri;
    private final long pollMillis;
    private final Duration timeout;
    private final TaskParser parser = new TaskParser(NAME);
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong containers = new AtomicLong();
    private volatile Condition condition = new Condition(Health.STARTING, "polling", Instant.now());
    /** Guarded by this. */
    private ScheduledExecutorService executor;
    /** Touched only on the provider's thread. */
    private byte[] lastBody;
    private boolean everWritten;

    /**
     * @param config the provider's configuration
     */
    @Activate
    public EcsProvider(Config config) {
        this(config, System.getenv("ECS_CONTAINER_METADATA_URI_V4"));
    }

    EcsProvider(Config config, String envUri) {
        String configured = config.metadata_uri() == null ? "" : config.metadata_uri().strip();
        this.uri = !configured.isEmpty() ? configured : envUri == null ? "" : envUri.strip();
        this.pollMillis = Math.max(100, config.poll_interval_ms());
        this.timeout = Duration.ofMillis(Math.max(100, config.request_timeout_ms()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start(WorkloadWriter writer) {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        if (uri.isEmpty()) {
            set(Health.DOWN, "no task metadata endpoint: ECS_CONTAINER_METADATA_URI_V4 is not set and metadata.uri is empty");
            return;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).proxy(HttpClient.Builder.NO_PROXY).build();
        ScheduledExecutorService ex = executor;
        ex.execute(() -> poll(ex, http, writer, pollMillis));
        LOG.info("ECS metadata provider polling {}", uri);
    }

    private void poll(ScheduledExecutorService ex, HttpClient http, WorkloadWriter writer, long retryMillis) {
        long next;
        try {
            polls.incrementAndGet();
            byte[] body = get(http, stripSlash(uri) + "/task");
            if (!Arrays.equals(body, lastBody)) {
                List<WorkloadEntity> entities = parser.parse(body);
                writer.replaceAll(entities);
                lastBody = body;
                containers.set(entities.size() - 1L);
            }
            everWritten = true;
            set(Health.OK, "task " + containers.get() + " containers");
            next = pollMillis;
            retryMillis = Math.min(1_000, pollMillis);
        } catch (IOException e) {
            failures.incrementAndGet();
            set(everWritten ? Health.DEGRADED : Health.DOWN, "ECS task metadata at " + uri + " unusable ("
                    + e.getMessage() + "); retrying with backoff" + (everWritten ? ", keeping the last good data" : ""));
            next = retryMillis;
            retryMillis = Math.min(pollMillis * 6, retryMillis * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long r = retryMillis;
        if (!ex.isShutdown()) {
            ex.schedule(() -> poll(ex, http, writer, r), next, TimeUnit.MILLISECONDS);
        }
    }

    private byte[] get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + " for " + url);
            }
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("answer larger than the bound of " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private synchronized void set(Health health, String message) {
        Condition old = condition;
        if (old.health() != health) {
            if (health == Health.OK) {
                LOG.info("ECS metadata: {}", message);
            } else {
                LOG.warn("ECS metadata: {}", message);
            }
            condition = new Condition(health, message, Instant.now());
        } else if (!old.message().equals(message)) {
            condition = new Condition(health, message, old.since());
        }
    }

    @Override
    @Deactivate
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
        LOG.info("ECS metadata provider stopped");
    }

    @Override
    public List<ComponentStatus> status() {
        Condition c = condition;
        return List.of(new ComponentStatus("metadata.ecs", c.health(), c.message(),
                Map.of("polls", polls.get(), "failures", failures.get(), "containers", containers.get()),
                Map.of("endpoint", uri), c.since()));
    }
}
