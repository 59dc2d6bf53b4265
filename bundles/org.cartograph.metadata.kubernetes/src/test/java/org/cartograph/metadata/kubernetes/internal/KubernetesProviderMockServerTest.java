package org.cartograph.metadata.kubernetes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.metadata.tagger.internal.WorkloadTagger;
import org.cartograph.status.Health;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.vertx.Protocol;

/**
 * The provider against fabric8's Kubernetes mock API server in CRUD mode, feeding the core's real
 * store, read by the real workload tagger.
 */
class KubernetesProviderMockServerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CID = "d".repeat(64);

    private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
    private KubernetesMockServer server;
    private KubernetesClient admin;
    private int port;
    private StoreHarness harness;
    private KubernetesProvider provider;
    private WorkloadTagger tagger;
    private String rsUid;
    private final Map<String, String> cronJobUids = new HashMap<>();

    @BeforeEach
    void start() {
        server = newServer(0);
        port = server.getPort();
        admin = server.createClient();
        harness = new StoreHarness();
        provider = new KubernetesProvider(TestConfig.of("http://127.0.0.1:" + port));
        tagger = new WorkloadTagger(harness.store(), new TaggerConfig());
    }

    private KubernetesMockServer newServer(int onPort) {
        MockWebServer web = new MockWebServer();
        web.setProtocols(List.of(Protocol.HTTP_1_1));
        KubernetesMockServer s = new KubernetesMockServer(new Context(), web, new HashMap<>(), dispatcher,
                false);
        s.init(InetAddress.getLoopbackAddress(), onPort);
        return s;
    }

    @AfterEach
    void stop() {
        tagger.deactivate();
        harness.unbind(provider);
        admin.close();
        server.destroy();
    }

    /** Creates a Deployment, its ReplicaSet, a pod, its service and EndpointSlice (the server assigns the uids). */
    private void createShop() {
        String deployment = admin.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace("shop").endMetadata().withNewSpec().withReplicas(1)
                .endSpec().build()).create().getMetadata().getUid();
        rsUid = admin.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("web-5d4f8b9c").withNamespace("shop").addNewOwnerReference().withApiVersion("apps/v1")
                .withKind("Deployment").withName("web").withUid(deployment).withController(true).endOwnerReference()
                .endMetadata().build()).create().getMetadata().getUid();
        admin.pods().inNamespace("shop").resource(pod("web-5d4f8b9c-x7k2p", "pod-1", "10.1.0.5", CID)).create();
        admin.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .withNamespace("shop").endMetadata().withNewSpec().withClusterIP("10.96.0.10")
                .withClusterIPs("10.96.0.10").endSpec().build()).create();
        admin.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder().withNewMetadata()
                .withName("web-abc12").withNamespace("shop").addToLabels(EntityBuilder.SERVICE_NAME_LABEL, "web")
                .endMetadata().withAddressType("IPv4").addNewEndpoint().withAddresses("10.1.0.5").withNewTargetRef()
                .withKind("Pod").withName("web-5d4f8b9c-x7k2p").withNamespace("shop").withUid("pod-1").endTargetRef()
                .endEndpoint().build()).create();
    }

    private Pod pod(String name, String uid, String ip, String containerId) {
        return pod(name, uid, ip, containerId, "ReplicaSet", "web-5d4f8b9c", rsUid);
    }

    private static Pod pod(String name, String uid, String ip, String containerId, String ownerKind, String owner,
                           String ownerUid) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(uid)
                .addToLabels("app", "web").addToAnnotations("example.com/owner", "alice").addNewOwnerReference()
                .withApiVersion("apps/v1").withKind(ownerKind).withName(owner).withUid(ownerUid).withController(true)
                .endOwnerReference().endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("app").withImage("shop/web:1")
                .endContainer().endSpec().withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP()
                .withIp(ip).endPodIP().addNewContainerStatus().withName("app").withImage("shop/web:1")
                .withContainerID("containerd://" + containerId).endContainerStatus().endStatus().build();
    }

    private TagSet remote(String ip) {
        TestFlows.Collector local = new TestFlows.Collector();
        TestFlows.Collector remote = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(0, "192.0.2.1", ip), local, remote);
        return remote.tags();
    }

    @Test
    void flowsToClusterIpAndPodIpCarryServicePodAndDeployment() {
        createShop();
        harness.bind(provider);
        WorkloadStore store = harness.store();
        Await.until(WAIT, () -> "web-5d4f8b9c-x7k2p".equals(remote("10.1.0.5").get("pod_name"))
                && "web".equals(remote("10.1.0.5").get("kube_service"))
                && "web".equals(remote("10.96.0.10").get("kube_service"))
                && "web".equals(remote("10.1.0.5").get("kube_deployment"))
                && store.byContainerId(CID).isPresent(), () -> store.byAddress(IpAddress.parse("10.1.0.5"))
                + " " + provider.status());
        TagSet pod = remote("10.1.0.5");
        assertEquals("web", pod.get("kube_deployment"));
        assertEquals("web-5d4f8b9c", pod.get("kube_replica_set"));
        assertEquals("shop", pod.get("kube_namespace"));
        assertEquals("test-cluster", pod.get("kube_cluster_name"));
        assertEquals("web", pod.get("app"));
        TagSet service = remote("10.96.0.10");
        assertEquals(List.of("web"), service.getAll("kube_service"));
        assertEquals("shop", service.get("kube_namespace"));
        assertEquals("app", store.byContainerId(CID).orElseThrow().tags().get("kube_container_name"));
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
    }

    @Test
    void updatesAndDeletionsPropagate() {
        createShop();
        harness.bind(provider);
        Await.until(WAIT, () -> "web".equals(remote("10.96.0.10").get("kube_service")), () -> provider.status().toString());

        admin.pods().inNamespace("shop").withName("web-5d4f8b9c-x7k2p").edit(p -> new PodBuilder(p).editMetadata()
                .addToLabels("app", "web-v2").endMetadata().build());
        Await.until(WAIT, () -> "web-v2".equals(remote("10.1.0.5").get("app")), () -> remote("10.1.0.5").toString());

        admin.services().inNamespace("shop").withName("web").delete();
        Await.until(WAIT, () -> remote("10.96.0.10").isEmpty(), () -> remote("10.96.0.10").toString());

        admin.discovery().v1().endpointSlices().inNamespace("shop").withName("web-abc12").delete();
        admin.pods().inNamespace("shop").withName("web-5d4f8b9c-x7k2p").delete();
        Await.until(WAIT, () -> remote("10.1.0.5").isEmpty(), () -> remote("10.1.0.5").toString());
        assertTrue(harness.store().byContainerId(CID).isEmpty());
    }

    private String uid(HasMetadata created) {
        return created.getMetadata().getUid();
    }

    private void createWorkloads() {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").addToLabels("team", "payments")
                .addToLabels("tier", "front").addToLabels("unmapped", "x").endMetadata().build()).create();
        String ds = uid(admin.apps().daemonSets().inNamespace("shop").resource(new DaemonSetBuilder().withNewMetadata()
                .withName("agent").withNamespace("shop").endMetadata().build()).create());
        admin.pods().inNamespace("shop").resource(pod("agent-k2x9z", "pod-ds", "10.1.0.7", "a".repeat(64), "DaemonSet",
                "agent", ds)).create();
        String sts = uid(admin.apps().statefulSets().inNamespace("shop").resource(new StatefulSetBuilder()
                .withNewMetadata().withName("db").withNamespace("shop").endMetadata().build()).create());
        admin.pods().inNamespace("shop").resource(pod("db-0", "pod-sts", "10.1.0.8", "b".repeat(64), "StatefulSet", "db",
                sts)).create();
        for (String cron : List.of("backup", "nightly")) {
            cronJobUids.put(cron, uid(admin.batch().v1().cronjobs().inNamespace("shop").resource(new CronJobBuilder()
                    .withNewMetadata().withName(cron).withNamespace("shop").endMetadata().build()).create()));
        }
        String job = uid(admin.batch().v1().jobs().inNamespace("shop").resource(new JobBuilder().withNewMetadata()
                .withName("backup-29000000").withNamespace("shop").addNewOwnerReference().withApiVersion("batch/v1")
                .withKind("CronJob").withName("backup").withUid(cronJobUids.get("backup")).withController(true)
                .endOwnerReference().endMetadata().build()).create());
        admin.pods().inNamespace("shop").resource(pod("backup-29000000-q7d4s", "pod-job", "10.1.0.9", "c".repeat(64),
                "Job", "backup-29000000", job)).create();
    }

    @Test
    void workloadsAndNamespaceLabelsComeFromTheirObjectsAndTheirChangesPropagate() {
        createShop();
        createWorkloads();
        harness.bind(provider);
        Await.until(WAIT, () -> "backup".equals(remote("10.1.0.9").get("kube_cronjob"))
                && "web".equals(remote("10.1.0.5").get("kube_deployment"))
                && "payments".equals(remote("10.1.0.7").get("team"))
                && "payments".equals(remote("10.96.0.10").get("team")), () -> remote("10.1.0.9") + " "
                + remote("10.96.0.10") + " " + provider.status());
        TagSet web = remote("10.1.0.5");
        assertEquals("front", web.get("ns_tier"));
        assertEquals("alice", web.get("owner"));
        assertNull(web.get("unmapped"));
        assertEquals("agent", remote("10.1.0.7").get("kube_daemon_set"));
        assertEquals("db", remote("10.1.0.8").get("kube_stateful_set"));
        assertEquals("backup-29000000", remote("10.1.0.9").get("kube_job"));
        assertEquals("web", remote("10.96.0.10").get("kube_service"), "the service carries its namespace's labels too");

        admin.namespaces().withName("shop").edit(n -> new NamespaceBuilder(n).editMetadata()
                .addToLabels("team", "checkout").removeFromLabels("tier").endMetadata().build());
        Await.until(WAIT, () -> "checkout".equals(remote("10.1.0.8").get("team")) && remote("10.1.0.8").get("ns_tier") == null,
                () -> remote("10.1.0.8").toString());

        admin.batch().v1().jobs().inNamespace("shop").withName("backup-29000000").edit(j -> new JobBuilder(j)
                .editMetadata().editFirstOwnerReference().withName("nightly").withUid(cronJobUids.get("nightly"))
                .endOwnerReference().endMetadata().build());
        Await.until(WAIT, () -> "nightly".equals(remote("10.1.0.9").get("kube_cronjob")), () -> remote("10.1.0.9").toString());

        admin.batch().v1().cronjobs().inNamespace("shop").withName("nightly").delete();
        admin.apps().deployments().inNamespace("shop").withName("web").delete();
        admin.apps().daemonSets().inNamespace("shop").withName("agent").delete();
        Await.until(WAIT, () -> remote("10.1.0.9").get("kube_cronjob") == null
                && remote("10.1.0.5").get("kube_deployment") == null && remote("10.1.0.7").get("kube_daemon_set") == null,
                () -> remote("10.1.0.9") + " " + remote("10.1.0.5") + " " + remote("10.1.0.7"));
        assertEquals("web-5d4f8b9c", remote("10.1.0.5").get("kube_replica_set"), "the ReplicaSet still exists");
        assertEquals("backup-29000000", remote("10.1.0.9").get("kube_job"), "the Job still exists");
    }

    @Test
    void anApiServerOutageIsSurvivedWithLastDataKept() {
        createShop();
        harness.bind(provider);
        Await.until(WAIT, () -> "web".equals(remote("10.1.0.5").get("kube_deployment")), () -> provider.status().toString());
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());

        server.destroy();
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.DEGRADED, () -> provider.status().toString());
        assertEquals("web", remote("10.1.0.5").get("kube_deployment"), "last good data kept");

        server = newServer(port);
        admin.close();
        admin = server.createClient();
        admin.pods().inNamespace("shop").resource(pod("web-5d4f8b9c-q9w8e", "pod-2", "10.1.0.6", "e".repeat(64)))
                .create();
        Await.until(Duration.ofSeconds(30), () -> "web-5d4f8b9c-q9w8e".equals(remote("10.1.0.6").get("pod_name")),
                () -> provider.status().toString());
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
        assertEquals("web-5d4f8b9c-x7k2p", remote("10.1.0.5").get("pod_name"));
    }

    /** The tagger's defaults. */
    private static final class TaggerConfig implements WorkloadTagger.Config {
        @Override
        public String proc_root() {
            return "/proc";
        }

        @Override
        public int pid_cache_size() {
            return 1024;
        }

        @Override
        public int pid_refresh_ms() {
            return 30_000;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return WorkloadTagger.Config.class;
        }
    }
}
