package org.cartograph.metadata.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.metadata.tagger.internal.WorkloadTagger;
import org.cartograph.status.Health;
import org.cartograph.testkit.Podman;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Docker provider against podman's Docker-compatible API with real containers, feeding the
 * core's real workload store, read by the real workload tagger.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerProviderPodmanTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Not a JUnit temp dir: podman's files need its own clean-up (Podman.close) first. */
    private static Path dir;
    private static Podman podman;
    private static StoreHarness harness;
    private static DockerProvider provider;
    private static WorkloadTagger tagger;
    private static String webId;

    @BeforeAll
    static void start() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("cartograph-podman");
        podman = Podman.start(dir, 100 + (int) (ProcessHandle.current().pid() % 50));
        webId = podman.runContainer("web", Map.of("team", "blue", "com.docker.compose.service", "api"));
        harness = new StoreHarness();
        provider = new DockerProvider(TestConfig.of("unix://" + podman.socket(), "team=team"), null);
        harness.bind(provider);
        tagger = new WorkloadTagger(harness.store(), new TaggerConfig());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (tagger != null) {
                tagger.deactivate();
            }
            if (provider != null) {
                harness.unbind(provider);
            }
        } finally {
            if (podman != null) {
                podman.close();
            }
        }
    }

    @Test
    @Order(1)
    void seesRunningContainerWithNameImageLabelsAddressAndPid() throws Exception {
        WorkloadStore store = harness.store();
        Await.until(WAIT, () -> store.byContainerId(webId).isPresent(), () -> "web in store; " + provider.status());
        WorkloadEntity web = store.byContainerId(webId).orElseThrow();
        TagSet tags = web.tags();
        assertEquals("web", tags.get("container_name"));
        assertEquals(webId, tags.get("container_id"));
        assertEquals("localhost/busybox", tags.get("image_name"));
        assertEquals("busybox", tags.get("short_image"));
        assertEquals("test", tags.get("image_tag"));
        assertEquals("blue", tags.get("team"));
        assertEquals("api", tags.get("compose_service"));
        assertEquals(podman.network(), tags.get("docker_network"));
        assertEquals(Optional.of(web), store.get(new EntityId("container", webId)));
        assertTrue(web.addresses().stream().anyMatch(a -> a.toString().startsWith(podman.subnetPrefix())),
                () -> "address in " + podman.subnetPrefix() + "0/24: " + web.addresses());
        int pid = podman.pid("web");
        assertEquals(java.util.Set.of(pid), web.pids());
        assertEquals(1, web.netns().size(), "the container's own network namespace");
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
    }

    @Test
    @Order(2)
    void taggerNamesLocalEndByPidAndByCgroupAndRemoteEndByAddress() throws Exception {
        Await.until(WAIT, () -> harness.store().byContainerId(webId).isPresent(), () -> "web in store");
        int mainPid = podman.pid("web");
        TestFlows.Collector local = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(mainPid, "192.0.2.1", "127.0.0.1"), local, new TestFlows.Collector());
        assertEquals("web", local.tags().get("container_name"));

        podman.exec("web", "/bin/sleep", "3601");
        Await.until(WAIT, () -> otherPidIn(webId, mainPid) > 0, () -> "second process in web");
        int child = otherPidIn(webId, mainPid);
        assertTrue(harness.store().byPid(child).isEmpty(), "only the main pid is known to the API");
        Await.until(WAIT, () -> {
            TestFlows.Collector l = new TestFlows.Collector();
            tagger.tag(TestFlows.flow(child, "192.0.2.1", "127.0.0.1"), l, new TestFlows.Collector());
            return "web".equals(l.tags().get("container_name"));
        }, () -> "pid " + child + " tagged through its cgroup");

        IpAddress webIp = harness.store().byContainerId(webId).orElseThrow().addresses().iterator().next();
        TestFlows.Collector remote = new TestFlows.Collector();
        TestFlows.Collector host = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(1, "192.0.2.1", webIp.toString()), host, remote);
        assertEquals("web", remote.tags().get("container_name"));
        assertEquals("blue", remote.tags().get("team"));
        assertTrue(host.tags().isEmpty(), "pid 1 runs on the host: " + host.tags());
    }

    @Test
    @Order(3)
    void containerStartedLaterAppearsAndRemovedOneDisappears() throws Exception {
        WorkloadStore store = harness.store();
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> "synced");
        String lateId = podman.runContainer("late", Map.of());
        Await.until(Duration.ofSeconds(10), () -> store.byContainerId(lateId).isPresent(),
                () -> "late in store; " + provider.status());
        assertEquals("late", store.byContainerId(lateId).orElseThrow().tags().get("container_name"));
        podman.remove("late");
        Await.until(Duration.ofSeconds(10), () -> store.byContainerId(lateId).isEmpty(),
                () -> "late gone; " + provider.status());
        assertTrue(store.byContainerId(webId).isPresent());
    }

    @Test
    @Order(4)
    void survivesTheServiceGoingAwayKeepsLastDataAndReconnects() throws Exception {
        WorkloadStore store = harness.store();
        Await.until(WAIT, () -> store.byContainerId(webId).isPresent(), () -> "web in store");
        podman.stopService();
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.DEGRADED,
                () -> "degraded; " + provider.status());
        assertTrue(provider.status().get(0).message().contains(podman.socket().toString()),
                () -> provider.status().get(0).message());
        assertTrue(store.byContainerId(webId).isPresent(), "last good data kept");

        String whileDown = podman.runContainer("whiledown", Map.of());
        podman.startService();
        // the status turns OK once the resynchronisation that stored the container has finished
        Await.until(WAIT, () -> store.byContainerId(whileDown).isPresent()
                        && provider.status().get(0).health() == Health.OK,
                () -> "container started while the API was down, status OK; " + provider.status());
        assertNotEquals(0L, provider.status().get(0).counters().get("failures"));
    }

    private static int otherPidIn(String containerId, int except) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .mapToInt(Integer::parseInt).filter(p -> p != except)
                    .filter(p -> {
                        try {
                            return Files.readString(Path.of("/proc", Integer.toString(p), "cgroup")).contains(containerId)
                                    && Files.readString(Path.of("/proc", Integer.toString(p), "cmdline")).contains("3601");
                        } catch (IOException e) {
                            return false;
                        }
                    }).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The tagger's defaults with a fast refresh. */
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
            return 500;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return WorkloadTagger.Config.class;
        }
    }
}
