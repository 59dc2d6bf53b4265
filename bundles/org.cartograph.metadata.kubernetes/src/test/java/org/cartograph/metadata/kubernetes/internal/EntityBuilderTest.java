package org.cartograph.metadata.kubernetes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cartograph.metadata.WorkloadEntity;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

class EntityBuilderTest {

    private final EntityBuilder builder = new EntityBuilder("kubernetes", "prod", Map.of("team", "team"));

    private static Pod owned(String name, String kind, String owner, boolean hostNetwork, String phase) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ops").withUid("uid-" + name)
                .addToLabels("team", "net").addNewOwnerReference().withKind(kind).withName(owner).withController(true)
                .endOwnerReference().endMetadata().withNewSpec().withHostNetwork(hostNetwork).endSpec().withNewStatus()
                .withPhase(phase).withPodIP("10.2.0.9").endStatus().build();
    }

    private WorkloadEntity only(Pod pod) {
        List<WorkloadEntity> all = builder.build(List.of(pod), List.of(), List.of(), List.of());
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void ownerKindsBecomeTheirTags() {
        assertEquals("agent", only(owned("agent-x1", "DaemonSet", "agent", false, "Running")).tags().get("kube_daemon_set"));
        assertEquals("db", only(owned("db-0", "StatefulSet", "db", false, "Running")).tags().get("kube_stateful_set"));
        WorkloadEntity job = only(owned("backup-28912345-abcde", "Job", "backup-28912345", false, "Running"));
        assertEquals("backup-28912345", job.tags().get("kube_job"));
        assertEquals("backup", job.tags().get("kube_cronjob"));
        WorkloadEntity rs = only(owned("api-7c9d8-x", "ReplicaSet", "api-7c9d8", false, "Pending"));
        assertEquals("api", rs.tags().get("kube_deployment"), "from the ReplicaSet name when its owner is unknown");
        assertEquals("net", rs.tags().get("team"));
        assertEquals("prod", rs.tags().get("kube_cluster_name"));
    }

    @Test
    void hostNetworkPodsOwnNoAddressAndFinishedPodsAreLeftOut() {
        assertTrue(only(owned("node-exporter-1", "DaemonSet", "node-exporter", true, "Running")).addresses().isEmpty());
        assertTrue(builder.build(List.of(owned("done", "Job", "once", false, "Succeeded")), List.of(), List.of(), List.of())
                .isEmpty());
    }

    @Test
    void runtimeContainerIdsAndNameHeuristics() {
        String id = "0".repeat(64);
        assertEquals(id, EntityBuilder.containerId("containerd://" + id));
        assertEquals(id, EntityBuilder.containerId("cri-o://" + id));
        assertNull(EntityBuilder.containerId("containerd://short"));
        assertNull(EntityBuilder.containerId(null));
        assertNull(EntityBuilder.cronJobOf("migrate-once"));
        assertEquals("web", EntityBuilder.trimSuffix("web-5d4f8b9c"));
    }
}
