package org.cartograph.metadata.cloud.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Cloud metadata: the host entity ({@code host/local}: {@code cloud_provider}, {@code region},
 * {@code availability_zone}, {@code instance_type}) from the instance metadata services, and one
 * {@code cloud_range} entity per (provider, region, service) holding its prefixes from the
 * configured IP-range files, so remote ends get {@code cloud_provider}, {@code region} and
 * {@code cloud_service}. Exists only while configured.
 *
 * <p>All work runs on the provider's thread ({@value #THREAD}): at start, then every refresh
 * interval (files are re-read when their size or modification time changes), sooner with
 * backoff after a failure. A failure keeps the last good data and is reported in
 * {@link #status()}, which may be called from any thread and does no I/O.
 */
@Component(configurationPid = CloudProvider.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {WorkloadMetadataProvider.class, StatusContributor.class})
@Designate(ocd = CloudProvider.Config.class)
public final class CloudProvider implements WorkloadMetadataProvider, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.metadata.cloud";
    /** The provider's {@link #name()}, and the source of its entities. */
    public static final String NAME = "cloud";
    /** The name of the provider's thread. */
    public static final String THREAD = "cartograph-metadata-cloud";

    private static final Logger LOG = LoggerFactory.getLogger(CloudProvider.class);

    /** Configuration of the cloud metadata provider. */
    @ObjectClassDefinition(name = "Cartograph cloud metadata",
            description = "Host cloud/region/zone from instance metadata; remote cloud ranges from IP-range files.")
    public @interface Config {

        /** @return path of AWS ip-ranges.json, or empty */
        @AttributeDefinition(name = "AWS ip-ranges.json", required = false)
        String ip_ranges_aws() default "";

        /** @return path of GCP cloud.json, or empty */
        @AttributeDefinition(name = "GCP cloud.json", required = false)
        String ip_ranges_gcp() default "";

        /** @return path of an Azure ServiceTags file, or empty */
        @AttributeDefinition(name = "Azure ServiceTags JSON", required = false)
        String ip_ranges_azure() default "";

        /** @return which metadata services are asked, in order; empty to skip host detection */
        @AttributeDefinition(name = "Metadata services", required = false,
                description = "Asked in this order: aws, gcp, azure. Empty: no host detection.")
        String[] host_providers() default {"aws", "gcp", "azure"};

        /** @return AWS IMDS base URL */
        @AttributeDefinition(name = "AWS IMDS URL")
        String aws_imds_url() default "http://169.254.169.254";

        /** @return GCP metadata base URL */
        @AttributeDefinition(name = "GCP metadata URL")
        String gcp_metadata_url() default "http://metadata.google.internal";

        /** @return Azure IMDS base URL */
        @AttributeDefinition(name = "Azure IMDS URL")
        String azure_imds_url() default "http://169.254.169.254";

        /** @return bound on one metadata request */
        @AttributeDefinition(name = "Request timeout (ms)", min = "50")
        int request_timeout_ms() default 1_000;

        /** @return how often files and host metadata are checked */
        @AttributeDefinition(name = "Refresh interval (ms)", min = "100")
        int refresh_interval_ms() default 300_000;

        /** @return first retry delay after a failure */
        @AttributeDefinition(name = "First retry delay (ms)", min = "1")
        int retry_initial_ms() default 1_000;

        /** @return bound on one IP-range file */
        @AttributeDefinition(name = "Maximum file size (MiB)", min = "1")
        int max_file_mb() default 64;
    }

    private final List<RangeFile> files = new ArrayList<>();
    private final HostMetadata host;
    private final boolean detectHost;
    private final long refreshMillis;
    private final long retryInitialMillis;
    private final CloudStatus status = new CloudStatus();
    /** Guarded by this. */
    private ScheduledExecutorService executor;
    /** Touched only on the provider's thread. */
    private CloudState state;

    /**
     * @param config the provider's configuration
     * @throws IllegalArgumentException if a metadata service name is unknown
     */
    @Activate
    public CloudProvider(Config config) {
        long maxBytes = Math.max(1, config.max_file_mb()) * 1024L * 1024L;
        addFile(RangeFormat.AWS, config.ip_ranges_aws(), maxBytes);
        addFile(RangeFormat.GCP, config.ip_ranges_gcp(), maxBytes);
        addFile(RangeFormat.AZURE, config.ip_ranges_azure(), maxBytes);
        List<String> providers = new ArrayList<>();
        for (String p : config.host_providers() == null ? new String[0] : config.host_providers()) {
            if (p != null && !p.isBlank()) {
                providers.add(RangeFormat.of(p).provider());
            }
        }
        this.detectHost = !providers.isEmpty();
        this.host = new HostMetadata(new HostMetadata.Endpoints(providers, config.aws_imds_url(),
                config.gcp_metadata_url(), config.azure_imds_url()), Duration.ofMillis(Math.max(50, config.request_timeout_ms())));
        this.refreshMillis = Math.max(100, config.refresh_interval_ms());
        this.retryInitialMillis = Math.max(1, config.retry_initial_ms());
    }

    private void addFile(RangeFormat format, String path, long maxBytes) {
        if (path != null && !path.isBlank()) {
            files.add(new RangeFile(format, java.nio.file.Path.of(path.strip()), maxBytes));
        }
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
        state = new CloudState(writer, files, detectHost ? host : null, status);
        ScheduledExecutorService ex = executor;
        ex.execute(() -> cycle(ex, retryInitialMillis));
        LOG.info("cloud metadata provider started: {} IP-range files, host detection {}", files.size(),
                detectHost ? "on" : "off");
    }

    private void cycle(ScheduledExecutorService ex, long retryMillis) {
        boolean ok;
        try {
            ok = state.refresh();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            status.problem("refresh failed: " + e);
            ok = false;
        }
        long delay = ok ? refreshMillis : Math.min(refreshMillis, retryMillis);
        long nextRetry = ok ? retryInitialMillis : Math.min(refreshMillis, retryMillis * 2);
        if (!ex.isShutdown()) {
            ex.schedule(() -> cycle(ex, nextRetry), delay, TimeUnit.MILLISECONDS);
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
        LOG.info("cloud metadata provider stopped");
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of(status.snapshot());
    }

    /** @return the host tags last detected; for tests */
    Map<String, String> hostTags() {
        return status.hostTags();
    }
}
