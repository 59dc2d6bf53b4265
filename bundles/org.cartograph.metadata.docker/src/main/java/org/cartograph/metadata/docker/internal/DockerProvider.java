package org.cartograph.metadata.docker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cartograph.metadata.WorkloadMetadataProvider;
import org.cartograph.metadata.WorkloadWriter;
import org.cartograph.status.ComponentStatus;
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
 * Streams running containers from the Docker Engine API (Docker, or podman's compatible
 * service) into the workload store: a full list + inspect on every (re)connection, then the
 * events stream ({@code start}, {@code die}, {@code destroy}, podman's {@code remove}). Exists
 * only while configured.
 *
 * <p>All API traffic runs on the provider's thread ({@value #THREAD}); {@link #start} returns at
 * once. When the socket is missing or the API fails, the status says why, the last good
 * containers stay in the store, and the provider reconnects with exponential backoff.
 * {@link #status()} may be called from any thread and does no I/O.
 */
@Component(configurationPid = DockerProvider.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {WorkloadMetadataProvider.class, StatusContributor.class})
@Designate(ocd = DockerProvider.Config.class)
public final class DockerProvider implements WorkloadMetadataProvider, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.metadata.docker";
    /** The provider's {@link #name()}, and the source of its entities. */
    public static final String NAME = "docker";
    /** The name of the provider's thread. */
    public static final String THREAD = "cartograph-metadata-docker";

    private static final Logger LOG = LoggerFactory.getLogger(DockerProvider.class);

    /** Configuration of the Docker metadata provider. */
    @ObjectClassDefinition(name = "Cartograph Docker metadata",
            description = "Containers, images, labels and addresses from the Docker Engine API.")
    public @interface Config {

        /** @return the Engine API address; {@code DOCKER_HOST} wins when set */
        @AttributeDefinition(name = "Docker host",
                description = "unix:///path/docker.sock or tcp://host:port. The DOCKER_HOST environment variable, "
                        + "when set, takes precedence, as for the Docker CLI.")
        String host() default DockerEndpoint.DEFAULT;

        /** @return the API version prefix of every path */
        @AttributeDefinition(name = "API version", description = "Path prefix of API calls, e.g. v1.41.")
        String api_version() default "v1.41";

        /** @return label to tag mappings, {@code label=tag} */
        @AttributeDefinition(name = "Labels as tags",
                description = "Container labels copied to tags, each as label=tag (e.g. com.example.team=team).")
        String[] labels_as_tags() default {};

        /** @return bound on one API request */
        @AttributeDefinition(name = "Request timeout (ms)", min = "100")
        int request_timeout_ms() default 10_000;

        /** @return bound on one API response body */
        @AttributeDefinition(name = "Maximum response size (MiB)", min = "1")
        int max_response_mb() default 64;

        /** @return first reconnection delay */
        @AttributeDefinition(name = "First retry delay (ms)", min = "1")
        int retry_initial_ms() default 500;

        /** @return largest reconnection delay */
        @AttributeDefinition(name = "Largest retry delay (ms)", min = "1")
        int retry_max_ms() default 30_000;

        /** @return where the host's /proc is mounted */
        @AttributeDefinition(name = "proc root",
                description = "Where the host's /proc is mounted (e.g. /host/proc in a container).")
        String proc_root() default "/proc";
    }

    private final DockerEndpoint endpoint;
    private final String prefix;
    private final ContainerParser parser;
    private final Duration timeout;
    private final int maxBodyBytes;
    private final Duration retryInitial;
    private final Duration retryMax;
    private final DockerStatus status;
    /** Guarded by this. */
    private ScheduledExecutorService watchdog;
    /** Guarded by this. */
    private Thread thread;
    /** Guarded by this. */
    private ContainerSync sync;
    /** Guarded by this. */
    private CountDownLatch stopped;

    /**
     * @param config the provider's configuration
     * @throws IllegalArgumentException if the host or a label mapping cannot be parsed
     */
    @Activate
    public DockerProvider(Config config) {
        this(config, System.getenv("DOCKER_HOST"));
    }

    /**
     * @param config        the provider's configuration
     * @param dockerHostEnv the value of {@code DOCKER_HOST}, or null
     */
    DockerProvider(Config config, String dockerHostEnv) {
        this.endpoint = DockerEndpoint.select(dockerHostEnv, config.host());
        String version = config.api_version() == null ? "" : config.api_version().strip();
        this.prefix = version.isEmpty() ? "" : "/" + version.replaceAll("^/+|/+$", "");
        this.parser = new ContainerParser(NAME, parseLabels(config.labels_as_tags()), Path.of(config.proc_root()));
        this.timeout = Duration.ofMillis(Math.max(100, config.request_timeout_ms()));
        this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 16L, Math.max(1, config.max_response_mb()) * 1024L * 1024L);
        this.retryInitial = Duration.ofMillis(config.retry_initial_ms());
        this.retryMax = Duration.ofMillis(config.retry_max_ms());
        this.status = new DockerStatus(endpoint.text());
    }

    static Map<String, String> parseLabels(String[] entries) {
        Map<String, String> map = new HashMap<>();
        for (String e : entries == null ? new String[0] : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException("labels.as.tags entry '" + e + "' is not label=tag");
            }
            map.put(e.substring(0, eq).strip(), e.substring(eq + 1).strip());
        }
        return map;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start(WorkloadWriter writer) {
        if (thread != null) {
            return;
        }
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, THREAD + "-timeout"));
        EngineClient client = new EngineClient(endpoint, timeout, maxBodyBytes, watchdog);
        stopped = new CountDownLatch(1);
        sync = new ContainerSync(client, prefix, parser, writer, status);
        CountDownLatch stop = stopped;
        ContainerSync s = sync;
        thread = daemon(() -> run(s, stop), THREAD);
        thread.start();
        LOG.info("Docker metadata provider watching {}", endpoint.text());
    }

    private void run(ContainerSync s, CountDownLatch stop) {
        Backoff backoff = new Backoff(retryInitial, retryMax);
        while (stop.getCount() > 0) {
            try {
                s.connectAndFollow(backoff::reset);
                status.failed("the events stream of " + endpoint.text() + " ended");
            } catch (IOException | RuntimeException e) {
                if (stop.getCount() == 0) {
                    break;
                }
                status.failed(e.getMessage() == null ? e.toString() : e.getMessage());
                LOG.debug("Docker API at {} failed", endpoint.text(), e);
            }
            try {
                if (stop.await(backoff.nextDelayMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    @Override
    @Deactivate
    public synchronized void stop() {
        if (thread == null) {
            return;
        }
        stopped.countDown();
        sync.close();
        watchdog.shutdownNow();
        try {
            thread.join(timeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
        sync = null;
        LOG.info("Docker metadata provider stopped");
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of(status.snapshot());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
