package org.cartograph.metadata.tagger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attribution by network namespace alone (pid 0, or a pid that names no container) over the
 * core's real store, with a fake /proc: one container, a pod of two, containers without a
 * common parent, and a namespace that another provider says it owns.
 */
class WorkloadTaggerNetnsTest {

    private static final String APP = "a".repeat(64);
    private static final String SIDE = "b".repeat(64);
    private static final String SOLO = "c".repeat(64);
    private static final String OTHER = "d".repeat(64);
    private static final String THIRD = "e".repeat(64);
    private static final long POD_NS = 4026532100L;
    private static final long SOLO_NS = 4026532200L;
    private static final long SHARED_NS = 4026532300L;
    private static final long DECLARED_NS = 4026532400L;

    @TempDir
    Path proc;
    private final StoreHarness harness = new StoreHarness();
    private WorkloadTagger tagger;

    @BeforeEach
    void setUp() throws Exception {
        process(1, 4026531840L, "0::/init.scope\n");
        process(10, POD_NS, "0::/kubepods/pod1/cri-containerd-" + APP + ".scope\n");
        process(11, POD_NS, "0::/kubepods/pod1/cri-containerd-" + SIDE + ".scope\n");
        process(20, SOLO_NS, "0::/machine.slice/libpod-" + SOLO + ".scope\n");
        process(30, SHARED_NS, "0::/docker/" + THIRD + "\n");
        process(31, SHARED_NS, "0::/docker/" + OTHER + "\n");
        tagger = new WorkloadTagger(harness.store(), TestConfig.of(proc.toString()));
    }

    @AfterEach
    void tearDown() {
        tagger.deactivate();
    }

    private void process(int pid, long netns, String cgroup) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(pid + "/ns"));
        Files.createSymbolicLink(dir.resolve("net"), Path.of("net:[" + netns + "]"));
        Files.writeString(proc.resolve(pid + "/cgroup"), cgroup);
    }

    private static WorkloadEntity container(String kind, String id, String source, Map<String, String> tags,
                                            EntityId parent) {
        return new WorkloadEntity(new EntityId(kind, id), source, TagSet.of(tags), Set.of(), Set.of(), Set.of(),
                Set.of(id), Set.of(), parent);
    }

    private TagSet local(int pid, long netns) {
        TestFlows.Collector l = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(pid, "127.0.0.1", "127.0.0.1", netns), l, new TestFlows.Collector());
        return l.tags();
    }

    @Test
    void aPodsNamespaceIsAttributedToThePodAndAContainersToTheContainer() {
        WorkloadWriter runtime = Writers.bind(harness, "runtime");
        runtime.put(container("container", APP, "runtime", Map.of("container_name", "k8s_app"), null));
        runtime.put(container("container", SIDE, "runtime", Map.of("container_name", "k8s_side"), null));
        WorkloadWriter kube = Writers.bind(harness, "kubernetes");
        EntityId pod = new EntityId("pod", "uid-1");
        kube.put(new WorkloadEntity(pod, "kubernetes", TagSet.of(Map.of("pod_name", "web-1")), Set.of(), Set.of(),
                Set.of(), Set.of(), Set.of(), null));
        kube.put(container("kube_container", APP, "kubernetes", Map.of("kube_container_name", "app"), pod));
        kube.put(container("kube_container", SIDE, "kubernetes", Map.of("kube_container_name", "side"), pod));
        WorkloadWriter docker = Writers.bind(harness, "docker");
        docker.put(container("container", SOLO, "docker", Map.of("container_name", "solo"), null));

        Await.until(Duration.ofSeconds(10), () -> "web-1".equals(local(0, POD_NS).get("pod_name")),
                () -> "the pod's namespace learned from /proc: " + local(0, POD_NS));
        TagSet inPod = local(0, POD_NS);
        assertNull(inPod.get("kube_container_name"), "not one of the pod's containers at random: " + inPod);
        assertNull(inPod.get("container_name"), "the runtime's older claims of the same containers are no pod: " + inPod);
        assertEquals("solo", local(0, SOLO_NS).get("container_name"));
        assertEquals("solo", local(999_999, SOLO_NS).get("container_name"), "a pid that is gone: its namespace");
        assertNull(local(0, 4026531840L).get("container_name"), "the host's namespace names nobody");
    }

    @Test
    void containersSharingANamespaceWithoutACommonParentNameNobody() {
        WorkloadWriter docker = Writers.bind(harness, "docker");
        docker.put(container("container", THIRD, "docker", Map.of("container_name", "third"), null));
        Await.until(Duration.ofSeconds(10), () -> "third".equals(local(0, SHARED_NS).get("container_name")),
                () -> "only one of the two is known: " + local(0, SHARED_NS));
        docker.put(new WorkloadEntity(new EntityId("container", OTHER), "docker",
                TagSet.of(Map.of("container_name", "other")), Set.of(), Set.of(), Set.of(), Set.of(OTHER),
                Set.of(SHARED_NS), null));
        assertTrue(local(0, SHARED_NS).isEmpty(), "two unrelated containers, one claiming the namespace: no guess");
        WorkloadWriter cni = Writers.bind(harness, "cni");
        cni.put(new WorkloadEntity(new EntityId("sandbox", "s-1"), "cni", TagSet.of(Map.of("sandbox", "s-1")),
                Set.of(), Set.of(), Set.of(), Set.of(), Set.of(SHARED_NS), null));
        docker.remove(new EntityId("container", OTHER));
        docker.put(container("container", OTHER, "docker", Map.of("container_name", "other"), null));
        assertEquals("s-1", local(0, SHARED_NS).get("sandbox"), "an owner of the namespace that is none of them");
    }

    @Test
    void aNamespaceWithoutKnownContainersFallsBackToTheStoresOwner() {
        WorkloadWriter cni = Writers.bind(harness, "cni");
        cni.put(new WorkloadEntity(new EntityId("pod", "uid-9"), "cni", TagSet.of(Map.of("pod_name", "declared")),
                Set.of(), Set.of(), Set.of(), Set.of(), Set.of(DECLARED_NS), null));
        Await.until(Duration.ofSeconds(10), () -> "declared".equals(local(0, DECLARED_NS).get("pod_name")),
                () -> "the store's owner of the namespace");
        assertTrue(local(0, POD_NS).isEmpty(), "containers the store does not know name nobody");
    }
}
