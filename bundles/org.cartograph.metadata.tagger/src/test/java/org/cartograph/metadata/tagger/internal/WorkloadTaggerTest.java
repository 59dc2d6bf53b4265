package org.cartograph.metadata.tagger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.IpPrefix;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tagger over the core's real store, with a fake /proc. */
class WorkloadTaggerTest {

    private static final String CID = "c".repeat(64);

    @TempDir
    Path proc;
    private final StoreHarness harness = new StoreHarness();
    private WorkloadTagger tagger;

    @BeforeEach
    void setUp() {
        tagger = new WorkloadTagger(harness.store(), TestConfig.of(proc.toString()));
    }

    @AfterEach
    void tearDown() {
        tagger.deactivate();
    }

    private static WorkloadEntity entity(String kind, String id, String source, Map<String, String> tags,
                                         Set<String> addresses, Set<String> containerIds, Set<Long> netns,
                                         EntityId parent) {
        return new WorkloadEntity(new EntityId(kind, id), source, TagSet.of(tags),
                addresses.stream().map(IpAddress::parse).collect(java.util.stream.Collectors.toSet()), Set.of(),
                Set.of(), containerIds, netns, parent);
    }

    private record Tagged(TagSet local, TagSet remote) {
    }

    private Tagged tag(org.cartograph.flow.Flow flow) {
        TestFlows.Collector l = new TestFlows.Collector();
        TestFlows.Collector r = new TestFlows.Collector();
        tagger.tag(flow, l, r);
        return new Tagged(l.tags(), r.tags());
    }

    @Test
    void localEndByCgroupOnceResolvedWithParentPodTagsAndHostTags() throws Exception {
        WorkloadWriter kube = Writers.bind(harness, "kubernetes");
        WorkloadWriter cloud = Writers.bind(harness, "cloud");
        kube.put(entity("pod", "uid-1", "kubernetes", Map.of("pod_name", "web-1", "kube_namespace", "shop"),
                Set.of("10.1.0.5"), Set.of(), Set.of(4026532001L), null));
        kube.put(entity("kube_container", CID, "kubernetes", Map.of("kube_container_name", "app"), Set.of(),
                Set.of(CID), Set.of(), new EntityId("pod", "uid-1")));
        cloud.put(entity(WorkloadTagger.HOST_KIND, WorkloadTagger.HOST_ID, "cloud",
                Map.of("cloud_provider", "aws", "availability_zone", "eu-west-1a"), Set.of(), Set.of(), Set.of(), null));
        Files.createDirectories(proc.resolve("4242"));
        Files.writeString(proc.resolve("4242/cgroup"), "0::/kubepods/pod1/cri-containerd-" + CID + ".scope\n");

        Tagged first = tag(TestFlows.flow(4242, "10.1.0.5", "10.9.9.9"));
        assertEquals("aws", first.local().get("cloud_provider"));
        assertEquals("web-1", first.local().get("pod_name"), "first sight: attributed by local address");

        Await.until(java.time.Duration.ofSeconds(10),
                () -> "app".equals(tag(TestFlows.flow(4242, "192.0.2.1", "10.9.9.9")).local().get("kube_container_name")),
                () -> "resolved by the tagger's thread");
        Tagged later = tag(TestFlows.flow(4242, "192.0.2.1", "10.9.9.9"));
        assertEquals("app", later.local().get("kube_container_name"));
        assertEquals("web-1", later.local().get("pod_name"), "the container's pod");
        assertEquals("eu-west-1a", later.local().get("availability_zone"));

        Tagged byNetns = tag(TestFlows.flow(0, "192.0.2.1", "10.9.9.9", 4026532001L));
        assertEquals("web-1", byNetns.local().get("pod_name"));
    }

    @Test
    void remoteEndByEveryOwnerOfTheAddressElseByCloudPrefix() {
        WorkloadWriter kube = Writers.bind(harness, "kubernetes");
        WorkloadWriter cloud = Writers.bind(harness, "cloud");
        kube.put(entity("pod", "uid-2", "kubernetes", Map.of("pod_name", "db-0"), Set.of("10.1.0.7"), Set.of(),
                Set.of(), null));
        kube.put(entity("service", "shop/db", "kubernetes", Map.of("kube_service", "db"), Set.of("10.96.0.10"),
                Set.of(), Set.of(), null));
        kube.put(entity("endpoint", "shop/db/10.1.0.7", "kubernetes", Map.of("kube_service", "db"),
                Set.of("10.1.0.7"), Set.of(), Set.of(), null));
        cloud.put(new WorkloadEntity(new EntityId("cloud_range", "aws/eu-west-1/S3"), "cloud",
                TagSet.of(Map.of("cloud_provider", "aws", "cloud_region", "eu-west-1", "cloud_service", "S3")),
                Set.of(), Set.of(IpPrefix.parse("52.218.0.0/17"), IpPrefix.parse("2a05:d07a::/40")), Set.of(),
                Set.of(), Set.of(), null));

        Tagged pod = tag(TestFlows.flow(0, "192.0.2.1", "10.1.0.7"));
        assertEquals("db-0", pod.remote().get("pod_name"));
        assertEquals("db", pod.remote().get("kube_service"));
        assertEquals(List.of("db"), tag(TestFlows.flow(0, "192.0.2.1", "10.96.0.10")).remote().getAll("kube_service"));
        assertEquals("S3", tag(TestFlows.flow(0, "192.0.2.1", "52.218.5.1")).remote().get("cloud_service"));
        assertEquals("eu-west-1", tag(TestFlows.flow(0, "2001:db8::1", "2a05:d07a:a0::1")).remote().get("cloud_region"));
        assertTrue(tag(TestFlows.flow(0, "192.0.2.1", "8.8.8.8")).remote().isEmpty());
        assertTrue(tag(TestFlows.flow(0, "127.0.0.1", "127.0.0.1")).remote().isEmpty());
    }
}
