package org.cartograph.metadata.tagger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import org.cartograph.testkit.Podman;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attribution by network namespace alone, against real podman containers and the real /proc:
 * the store knows the containers only by id (as a Kubernetes provider does: no pid, no
 * namespace), and flows with pid 0 in a container's namespace get that container's tags, or
 * the pod's when two containers share the namespace.
 */
class NetnsAttributionPodmanTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static Podman podman;
    private static String soloId;
    private static String appId;
    private static String sideId;
    private static long soloNetns;
    private static long podNetns;

    @BeforeAll
    static void start() throws Exception {
        podman = Podman.cli(Files.createTempDirectory("cgtag"));
        soloId = podman.run("solo", "none");
        appId = podman.run("app", "none");
        sideId = podman.run("side", "container:app");
        soloNetns = NetnsContainers.readNetns(Path.of("/proc", podman.pid("solo") + "/ns/net"));
        podNetns = NetnsContainers.readNetns(Path.of("/proc", podman.pid("app") + "/ns/net"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (podman != null) {
            podman.close();
        }
    }

    @Test
    void aFlowWithPidZeroInARealContainersNamespaceGetsItsContainerOrPod() throws Exception {
        assertEquals(podNetns, NetnsContainers.readNetns(Path.of("/proc", podman.pid("side") + "/ns/net")),
                "side joined app's namespace");
        assertNotEquals(soloNetns, podNetns);
        StoreHarness harness = new StoreHarness();
        WorkloadWriter kube = Writers.bind(harness, "kubernetes");
        EntityId pod = new EntityId("pod", "uid-web");
        kube.put(new WorkloadEntity(pod, "kubernetes", TagSet.of(Map.of("pod_name", "web-0")), Set.of(), Set.of(),
                Set.of(), Set.of(), Set.of(), null));
        kube.put(container(appId, Map.of("kube_container_name", "app"), pod));
        kube.put(container(sideId, Map.of("kube_container_name", "side"), pod));
        kube.put(container(soloId, Map.of("container_name", "solo"), null));
        WorkloadTagger tagger = new WorkloadTagger(harness.store(), TestConfig.of("/proc"));
        try {
            Await.until(WAIT, () -> "solo".equals(local(tagger, soloNetns).get("container_name")),
                    () -> "solo's namespace " + soloNetns + " learned from /proc: " + tagger.status());
            Await.until(WAIT, () -> "web-0".equals(local(tagger, podNetns).get("pod_name")),
                    () -> "the pod's namespace " + podNetns + ": " + local(tagger, podNetns));
            assertNull(local(tagger, podNetns).get("kube_container_name"), "the pod, not one of its containers");
            assertNull(local(tagger, soloNetns).get("pod_name"));
            long host = NetnsContainers.readNetns(Path.of("/proc/1/ns/net"));
            assertTrue(local(tagger, host).isEmpty(), "the host's namespace names nobody");
        } finally {
            tagger.deactivate();
        }
    }

    private static WorkloadEntity container(String id, Map<String, String> tags, EntityId parent) {
        return new WorkloadEntity(new EntityId("kube_container", id), "kubernetes", TagSet.of(tags), Set.of(),
                Set.of(), Set.of(), Set.of(id), Set.of(), parent);
    }

    private static TagSet local(WorkloadTagger tagger, long netns) {
        TestFlows.Collector l = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(0, "127.0.0.1", "127.0.0.1", netns), l, new TestFlows.Collector());
        return l.tags();
    }
}
