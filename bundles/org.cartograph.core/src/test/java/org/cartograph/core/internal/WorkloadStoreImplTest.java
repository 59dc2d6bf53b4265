package org.cartograph.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.IpPrefix;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadMetadataProvider;
import org.cartograph.metadata.WorkloadWriter;
import org.junit.jupiter.api.Test;

class WorkloadStoreImplTest {

    static final class Provider implements WorkloadMetadataProvider {
        final String name;
        WorkloadWriter writer;

        Provider(String name) {
            this.name = name;
        }

        @Override public String name() { return name; }
        @Override public void start(WorkloadWriter w) { writer = w; }
        @Override public void stop() { }
    }

    static WorkloadEntity range(String id, String source, String cidr, String region) {
        return new WorkloadEntity(new EntityId("cloud_range", id), source, TagSet.of(Map.of("region", region)),
                null, Set.of(IpPrefix.parse(cidr)), null, null, null, null);
    }

    static WorkloadEntity endpoint(String kind, String id, String source, String ip) {
        return new WorkloadEntity(new EntityId(kind, id), source, TagSet.of(Map.of(kind, id)),
                Set.of(IpAddress.parse(ip)), null, Set.of(42), Set.of("c".repeat(64)), null, null);
    }

    final WorkloadStoreImpl store = new WorkloadStoreImpl();

    @Test
    void longestPrefixWinsAndRemovalRestoresTheShorterOne() {
        Provider cloud = new Provider("cloud");
        store.addProvider(cloud);
        cloud.writer.replaceAll(List.of(range("aws", "cloud", "52.0.0.0/8", "any"),
                range("aws-euw1", "cloud", "52.16.0.0/15", "eu-west-1"),
                range("v6", "cloud", "2600:1f00::/24", "us-east-1")));
        assertEquals("eu-west-1", store.byPrefix(IpAddress.parse("52.17.1.1")).orElseThrow().tags().get("region"));
        assertEquals("any", store.byPrefix(IpAddress.parse("52.200.1.1")).orElseThrow().tags().get("region"));
        assertEquals("us-east-1", store.byPrefix(IpAddress.parse("2600:1f00::5")).orElseThrow().tags().get("region"));
        assertTrue(store.byPrefix(IpAddress.parse("10.0.0.1")).isEmpty());
        cloud.writer.remove(new EntityId("cloud_range", "aws-euw1"));
        assertEquals("any", store.byPrefix(IpAddress.parse("52.17.1.1")).orElseThrow().tags().get("region"));
        store.removeProvider(cloud);
        assertTrue(store.byPrefix(IpAddress.parse("52.17.1.1")).isEmpty(), "a provider's entities leave with it");
        assertEquals(0, store.size());
    }

    @Test
    void anAddressMayHaveSeveralOwnersAndProvidersOnlyTouchTheirOwn() {
        Provider docker = new Provider("docker");
        Provider k8s = new Provider("kubernetes");
        store.addProvider(docker);
        store.addProvider(k8s);
        docker.writer.put(endpoint("container", "web", "docker", "10.1.0.5"));
        k8s.writer.put(endpoint("pod", "web-1", "kubernetes", "10.1.0.5"));
        assertEquals(2, store.byAddress(IpAddress.parse("10.1.0.5")).size());
        assertTrue(store.byPid(42).isPresent());
        k8s.writer.remove(new EntityId("container", "web"));
        assertEquals(2, store.byAddress(IpAddress.parse("10.1.0.5")).size(), "kubernetes cannot remove docker's entity");
        assertThrows(IllegalArgumentException.class, () -> k8s.writer.put(endpoint("container", "x", "docker", "10.1.0.9")));
        docker.writer.replaceAll(List.of());
        assertEquals(List.of("pod"), store.byAddress(IpAddress.parse("10.1.0.5")).stream().map(e -> e.id().kind()).toList());
    }

    @Test
    void aContainerNamedByTwoProvidersKeepsBothClaimsAndLosingOneLeavesTheOther() {
        Provider docker = new Provider("docker");
        Provider ecs = new Provider("ecs");
        store.addProvider(docker);
        store.addProvider(ecs);
        String id = "c".repeat(64);
        docker.writer.put(endpoint("container", "web", "docker", "10.1.0.5"));
        ecs.writer.put(endpoint("ecs_container", "web", "ecs", "10.1.0.5"));

        assertEquals(List.of("container", "ecs_container"),
                store.allByContainerId(id).stream().map(e -> e.id().kind()).toList());
        assertEquals("container", store.byContainerId(id).orElseThrow().id().kind(), "the oldest claim first");

        docker.writer.remove(new EntityId("container", "web"));
        assertEquals("ecs_container", store.byContainerId(id).orElseThrow().id().kind(),
                "removing docker's claim leaves ECS's: " + store.allByContainerId(id));
        assertEquals("ecs_container", store.byPid(42).orElseThrow().id().kind());
        ecs.writer.remove(new EntityId("ecs_container", "web"));
        assertTrue(store.allByContainerId(id).isEmpty());
        assertTrue(store.byPid(42).isEmpty());
    }
}
