package org.cartograph.metadata.ecs.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 * ECS tasks and containers: this task from the task metadata endpoint v4
 * ({@code ECS_CONTAINER_METADATA_URI_V4}, or the configured URI) and, on the EC2 launch type,
 * every task on the host from the ECS container agent's introspection API
 * ({@code http://localhost:51678/v1/tasks}): {@code task_name}, {@code task_family},
 * {@code task_version}, {@code task_arn}, {@code ecs_cluster_name}, {@code ecs_container_name},
 * {@code availability_zone}, container ids and addresses. Fargate has no introspection API and is
 * not polled for one. Exists only while configured.
 *
 * <p>Polls on the provider's thread ({@value #THREAD}, see {@link EcsPoller}); the store is
 * written only when something changes. Errors, garbage, missing fields and oversized bodies keep
 * the last good data, are reported in {@link #status()} (any thread, no I/O) and retried with
 * backoff.
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
    private static final String TASKS_PATH = "/v1/tasks";

    /** Configuration of the ECS metadata provider. */
    @ObjectClassDefinition(name = "Cartograph ECS metadata",
            description = "This ECS task from the task metadata endpoint v4, and every task on an EC2 container "
                    + "instance from the ECS agent's introspection API.")
    public @interface Config {

        /** @return the v4 endpoint; empty for {@code ECS_CONTAINER_METADATA_URI_V4} */
        @AttributeDefinition(name = "Metadata URI", required = false,
                description = "Empty: the ECS_CONTAINER_METADATA_URI_V4 environment variable set by ECS.")
        String metadata_uri() default "";

        /** @return the ECS container agent's introspection API (base URL); empty: this task only */
        @AttributeDefinition(name = "Introspection URI", required = false,
                description = "Base URL of the ECS agent's introspection API (a trailing /v1/tasks is accepted), "
                        + "polled for every task on the host (EC2 launch type; the agent needs the host network "
                        + "to reach it). Empty: this task only. Never polled on Fargate.")
        String introspection_uri() default "http://localhost:51678";

        /** @return the poll interval */
        @AttributeDefinition(name = "Poll interval (ms)", min = "100")
        int poll_interval_ms() default 10_000;

        /** @return bound on one request */
        @AttributeDefinition(name = "Request timeout (ms)", min = "100")
        int request_timeout_ms() default 5_000;
    }

    private final String uri;
    private final String introspectionUri;
    private final boolean fargateEnvironment;
    private final long pollMillis;
    private final Duration timeout;
    private final EcsStatus status;
    /** Guarded by this. */
    private ScheduledExecutorService executor;

    /**
     * @param config the provider's configuration
     */
    @Activate
    public EcsProvider(Config config) {
        this(config, System.getenv("ECS_CONTAINER_METADATA_URI_V4"), System.getenv("AWS_EXECUTION_ENV"));
    }

    EcsProvider(Config config, String envUri, String executionEnv) {
        String configured = config.metadata_uri() == null ? "" : config.metadata_uri().strip();
        this.uri = !configured.isEmpty() ? configured : envUri == null ? "" : envUri.strip();
        String introspection = HttpFetch.base(config.introspection_uri() == null ? "" : config.introspection_uri().strip());
        this.introspectionUri = introspection.endsWith(TASKS_PATH)
                ? introspection.substring(0, introspection.length() - TASKS_PATH.length()) : introspection;
        this.fargateEnvironment = "AWS_ECS_FARGATE".equals(executionEnv);
        this.pollMillis = Math.max(100, config.poll_interval_ms());
        this.timeout = Duration.ofMillis(Math.max(100, config.request_timeout_ms()));
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("endpoint", uri);
        endpoints.put("introspection", fargateEnvironment ? "" : introspectionUri);
        this.status = new EcsStatus(endpoints);
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
        if (uri.isEmpty() && (introspectionUri.isEmpty() || fargateEnvironment)) {
            status.set(Health.DOWN, "no ECS endpoint: ECS_CONTAINER_METADATA_URI_V4 is not set, metadata.uri is empty"
                    + (fargateEnvironment ? " and Fargate has no introspection API" : " and introspection.uri is empty"));
            return;
        }
        new EcsPoller(uri, introspectionUri, fargateEnvironment, pollMillis, new HttpFetch(timeout), writer, executor,
                status, NAME).start();
        LOG.info("ECS metadata provider polling {}", uri.isEmpty() ? introspectionUri : uri);
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
        return List.of(status.snapshot());
    }
}
