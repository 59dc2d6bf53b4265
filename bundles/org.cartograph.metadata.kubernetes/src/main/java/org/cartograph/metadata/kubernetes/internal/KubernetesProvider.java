package org.cartograph.metadata.kubernetes.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

/**
 * Streams pods (of this node), services, EndpointSlices, their owning workloads (ReplicaSets,
 * Deployments, DaemonSets, StatefulSets, Jobs, CronJobs) and namespaces from the Kubernetes API
 * into the workload store through fabric8 informers: {@code pod_name}, {@code kube_namespace},
 * {@code kube_service}, {@code kube_deployment}, {@code kube_replica_set},
 * {@code kube_daemon_set}, {@code kube_stateful_set}, {@code kube_job}, {@code kube_cronjob},
 * {@code kube_cluster_name}, mapped pod labels and annotations, mapped namespace labels. Connects
 * in-cluster, through a kubeconfig, or to a given API server URL. Exists only while configured.
 *
 * <p>{@link #start} returns at once; informers run on fabric8's threads, the store is written
 * from the provider's thread ({@value #THREAD}). API-server outages are survived: informers
 * reconnect, the last good data stays, {@link #status()} says what is not being watched.
 */
@Component(configurationPid = KubernetesProvider.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {WorkloadMetadataProvider.class, StatusContributor.class})
@Designate(ocd = KubernetesProvider.Config.class)
public final class KubernetesProvider implements WorkloadMetadataProvider, StatusContributor {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.metadata.kubernetes";
    /** The provider's {@link #name()}, and the source of its entities. */
    public static final String NAME = "kubernetes";
    /** The name of the provider's thread. */
    public static final String THREAD = "cartograph-metadata-kubernetes";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesProvider.class);

    /** Configuration of the Kubernetes metadata provider. */
    @ObjectClassDefinition(name = "Cartograph Kubernetes metadata",
            description = "Pods, services, EndpointSlices and workloads from the Kubernetes API.")
    public @interface Config {

        /** @return the API server URL; empty for in-cluster or kubeconfig */
        @AttributeDefinition(name = "API server URL", required = false,
                description = "Empty: in-cluster service account, else the kubeconfig below or ~/.kube/config.")
        String api_server_url() default "";

        /** @return a kubeconfig path; empty for the default lookup */
        @AttributeDefinition(name = "kubeconfig", required = false)
        String kubeconfig() default "";

        /** @return only pods on this node; empty for all pods */
        @AttributeDefinition(name = "Node name", required = false,
                description = "Watch only pods on this node (spec.nodeName); empty watches every pod.")
        String node_name() default "";

        /** @return the kube_cluster_name tag */
        @AttributeDefinition(name = "Cluster name", required = false)
        String cluster_name() default "";

        /** @return pod label to tag mappings, {@code label=tag} */
        @AttributeDefinition(name = "Pod labels as tags", required = false,
                description = "Pod labels copied to tags, each as label=tag (e.g. app.kubernetes.io/name=app).")
        String[] pod_labels_as_tags() default {};

        /** @return pod annotation to tag mappings, {@code annotation=tag} */
        @AttributeDefinition(name = "Pod annotations as tags", required = false,
                description = "Pod annotations copied to tags, each as annotation=tag.")
        String[] pod_annotations_as_tags() default {};

        /** @return namespace label to tag mappings, {@code label=tag} */
        @AttributeDefinition(name = "Namespace labels as tags", required = false,
                description = "Labels of a namespace copied to the tags of its pods, services and endpoints, "
                        + "each as label=tag (e.g. team=team).")
        String[] namespace_labels_as_tags() default {};

        /** @return the coalescing delay between a change and the store update */
        @AttributeDefinition(name = "Update delay (ms)", min = "10")
        int update_delay_ms() default 500;

        /** @return the delay between watch reconnection attempts */
        @AttributeDefinition(name = "Watch reconnect interval (ms)", min = "10")
        int watch_reconnect_interval_ms() default 1_000;

        /** @return bound on one API request */
        @AttributeDefinition(name = "Request timeout (ms)", min = "100")
        int request_timeout_ms() default 10_000;
    }

    private final Config config;
    private final EntityBuilder builder;
    private final Trim trim;
    private final KubeStatus status;
    /** Guarded by this. */
    private ScheduledExecutorService executor;
    /** Guarded by this. */
    private KubernetesClient client;
    /** Guarded by this. */
    private ClusterWatch watch;

    /**
     * @param config the provider's configuration
     * @throws IllegalArgumentException if a label or annotation mapping cannot be parsed
     */
    @Activate
    public KubernetesProvider(Config config) {
        this.config = config;
        Map<String, String> podLabels = parseLabels("pod.labels.as.tags", config.pod_labels_as_tags());
        Map<String, String> podAnnotations = parseLabels("pod.annotations.as.tags", config.pod_annotations_as_tags());
        Map<String, String> nsLabels = parseLabels("namespace.labels.as.tags", config.namespace_labels_as_tags());
        this.builder = new EntityBuilder(NAME, config.cluster_name(), podLabels, podAnnotations, nsLabels);
        this.trim = new Trim(podLabels.keySet(), podAnnotations.keySet(), nsLabels.keySet());
        this.status = new KubeStatus(config.api_server_url().isBlank() ? "in-cluster/kubeconfig" : config.api_server_url());
    }

    static Map<String, String> parseLabels(String key, String[] entries) {
        Map<String, String> map = new HashMap<>();
        for (String e : entries == null ? new String[0] : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            int eq = e.lastIndexOf('=');
            if (eq <= 0 || eq == e.length() - 1) {
                throw new IllegalArgumentException(key + " entry '" + e + "' is not name=tag");
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
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, THREAD);
            t.setDaemon(true);
            return t;
        });
        Thread current = Thread.currentThread();
        ClassLoader tccl = current.getContextClassLoader();
        current.setContextClassLoader(KubernetesProvider.class.getClassLoader());
        try {
            client = new KubernetesClientBuilder().withConfig(clientConfig())
                    .withHttpClientFactory(new JdkHttpClientFactory()).build();
            watch = new ClusterWatch(client, builder, trim, writer, executor, status, Math.max(10, config.update_delay_ms()));
            watch.start(config.node_name() == null ? "" : config.node_name().strip());
            LOG.info("Kubernetes metadata provider watching {}", client.getMasterUrl());
        } catch (IOException | RuntimeException e) {
            status.error("client", e);
            status.watching(List.of("anything: " + e.getMessage()));
            LOG.warn("Kubernetes metadata provider cannot start: {}", e.getMessage());
        } finally {
            current.setContextClassLoader(tccl);
        }
    }

    private io.fabric8.kubernetes.client.Config clientConfig() throws IOException {
        io.fabric8.kubernetes.client.Config base;
        String url = config.api_server_url() == null ? "" : config.api_server_url().strip();
        String kubeconfig = config.kubeconfig() == null ? "" : config.kubeconfig().strip();
        if (!url.isEmpty()) {
            base = new ConfigBuilder(io.fabric8.kubernetes.client.Config.empty()).withMasterUrl(url).build();
        } else if (!kubeconfig.isEmpty()) {
            base = io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)));
        } else {
            base = io.fabric8.kubernetes.client.Config.autoConfigure(null);
        }
        return new ConfigBuilder(base).withWatchReconnectInterval(Math.max(10, config.watch_reconnect_interval_ms()))
                .withWatchReconnectLimit(-1).withRequestTimeout(Math.max(100, config.request_timeout_ms()))
                .withConnectionTimeout(Math.max(100, config.request_timeout_ms())).build();
    }

    @Override
    @Deactivate
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        if (watch != null) {
            watch.stop();
        }
        if (client != null) {
            client.close();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
        watch = null;
        client = null;
        LOG.info("Kubernetes metadata provider stopped");
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of(status.snapshot());
    }
}
