package org.cartograph.metadata.kubernetes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.enrich.TagSet;
import org.cartograph.metadata.WorkloadEntity;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

class EntityBuilderTest {

    private final EntityBuilder builder = new EntityBuilder("kubernetes", "prod", Map.of("team", "team"),
            Map.of("example.com/owner", "owner"), Map.of("tier", "ns_tier"));
    private final Trim trim = new Trim(Set.of("team"), Set.of("example.com/owner"), Set.of("tier"));

    private static Pod owned(String name, String kind, String owner, boolean hostNetwork, String phase) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ops").withUid("uid-" + name)
                .addToLabels("team", "net").addToLabels("unmapped", "x").addToAnnotations("example.com/owner", "alice")
                .addNewOwnerReference().withKind(kind).withName(owner).withController(true).endOwnerReference()
                .endMetadata().withNewSpec().withHostNetwork(hostNetwork).addNewContainer().withName("c")
                .withImage("busybox").endContainer().endSpec().withNewStatus().withPhase(phase).withPodIP("10.2.0.9")
                .endStatus().build();
    }

    private static ReplicaSet rs(String name, String deployment) {
        var b = new ReplicaSetBuilder().withNewMetadata().withName(name).withNamespace("ops").withUid("rs-" + name);
        return (deployment == null ? b : b.addNewOwnerReference().withKind("Deployment").withName(deployment)
                .withController(true).endOwnerReference()).endMetadata().build();
    }

    private static Job job(String name, String cronJob) {
        var b = new JobBuilder().withNewMetadata().withName(name).withNamespace("ops");
        return (cronJob == null ? b : b.addNewOwnerReference().withKind("CronJob").withName(cronJob)
                .withController(true).endOwnerReference()).endMetadata().build();
    }

    private static Owners.Kind of(HasMetadata... objects) {
        return Owners.Kind.of(List.of(objects));
    }

    private final Owners cluster = new Owners(of(rs("api-7c9d8", "api"), rs("orphan-1a2b3", "gone")),
            of(new DeploymentBuilder().withNewMetadata().withName("api").withNamespace("ops").endMetadata().build()),
            of(new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace("ops").endMetadata().build()),
            of(), of(job("backup-28912345", "backup"), job("migrate-28912345", null)),
            of(new CronJobBuilder().withNewMetadata().withName("backup").withNamespace("ops").endMetadata().build()));

    private TagSet tags(Pod pod, Owners owners) {
        List<WorkloadEntity> all = builder.build(List.of(trim.pod(pod)), List.of(), List.of(), owners,
                Map.of("ops", Map.of("tier", "backend")));
        assertEquals(1, all.size());
        return all.get(0).tags();
    }

    @Test
    void ownersAreNamedOnlyWhenTheObjectsExist() {
        TagSet rsPod = tags(owned("api-7c9d8-x", "ReplicaSet", "api-7c9d8", false, "Pending"), cluster);
        assertEquals("api", rsPod.get("kube_deployment"));
        assertEquals("api-7c9d8", rsPod.get("kube_replica_set"));
        TagSet orphan = tags(owned("orphan-1a2b3-x", "ReplicaSet", "orphan-1a2b3", false, "Running"), cluster);
        assertEquals("orphan-1a2b3", orphan.get("kube_replica_set"));
        assertNull(orphan.get("kube_deployment"), "the ReplicaSet's Deployment does not exist");
        assertEquals("agent", tags(owned("agent-x1", "DaemonSet", "agent", false, "Running"), cluster)
                .get("kube_daemon_set"));
        assertNull(tags(owned("old-x1", "DaemonSet", "old", false, "Running"), cluster).get("kube_daemon_set"));
        assertNull(tags(owned("db-0", "StatefulSet", "db", false, "Running"), cluster).get("kube_stateful_set"));
        TagSet cron = tags(owned("backup-28912345-abcde", "Job", "backup-28912345", false, "Running"), cluster);
        assertEquals("backup-28912345", cron.get("kube_job"));
        assertEquals("backup", cron.get("kube_cronjob"));
        TagSet once = tags(owned("migrate-28912345-x", "Job", "migrate-28912345", false, "Running"), cluster);
        assertEquals("migrate-28912345", once.get("kube_job"));
        assertNull(once.get("kube_cronjob"), "no CronJob owns it, whatever its name looks like");
    }

    @Test
    void kindsNotListedYetTakeOwnerReferencesAsTheyStandAndGuessNothing() {
        TagSet rsPod = tags(owned("api-7c9d8-x", "ReplicaSet", "api-7c9d8", false, "Running"), Owners.unknown());
        assertEquals("api-7c9d8", rsPod.get("kube_replica_set"));
        assertNull(rsPod.get("kube_deployment"));
        assertEquals("db", tags(owned("db-0", "StatefulSet", "db", false, "Running"), Owners.unknown())
                .get("kube_stateful_set"));
        assertNull(tags(owned("backup-28912345-a", "Job", "backup-28912345", false, "Running"), Owners.unknown())
                .get("kube_cronjob"));
    }

    @Test
    void mappedLabelsAnnotationsAndNamespaceLabelsBecomeTags() {
        TagSet t = tags(owned("agent-x1", "DaemonSet", "agent", false, "Running"), cluster);
        assertEquals("net", t.get("team"));
        assertEquals("alice", t.get("owner"));
        assertEquals("backend", t.get("ns_tier"));
        assertEquals("prod", t.get("kube_cluster_name"));
        assertNull(t.get("unmapped"));
    }

    @Test
    void trimmedPodsKeepOnlyWhatIsRead() {
        Pod t = trim.pod(owned("agent-x1", "DaemonSet", "agent", false, "Running"));
        assertEquals(Map.of("team", "net"), t.getMetadata().getLabels());
        assertTrue(t.getSpec().getContainers() == null || t.getSpec().getContainers().isEmpty());
        assertEquals("10.2.0.9", t.getStatus().getPodIP());
        assertEquals("agent", t.getMetadata().getOwnerReferences().get(0).getName());
        assertNull(trim.namespace(new NamespaceBuilder().withNewMetadata().withName("ops").addToLabels("x", "y")
                .endMetadata().build()).getMetadata().getLabels(), "unmapped namespace labels are not kept");
    }

    @Test
    void hostNetworkPodsOwnNoAddressAndFinishedPodsAreLeftOut() {
        List<WorkloadEntity> host = builder.build(List.of(owned("node-exporter-1", "DaemonSet", "x", true, "Running")),
                List.of(), List.of(), cluster, Map.of());
        assertTrue(host.get(0).addresses().isEmpty());
        assertTrue(builder.build(List.of(owned("done", "Job", "once", false, "Succeeded")), List.of(), List.of(), cluster,
                Map.of()).isEmpty());
    }

    @Test
    void runtimeContainerIds() {
        String id = "0".repeat(64);
        assertEquals(id, EntityBuilder.containerId("containerd://" + id));
        assertEquals(id, EntityBuilder.containerId("cri-o://" + id));
        assertNull(EntityBuilder.containerId("containerd://short"));
        assertNull(EntityBuilder.containerId(null));
    }
}
