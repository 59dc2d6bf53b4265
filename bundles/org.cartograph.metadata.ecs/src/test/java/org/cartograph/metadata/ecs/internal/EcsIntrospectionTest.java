package org.cartograph.metadata.ecs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.metadata.tagger.internal.WorkloadTagger;
import org.cartograph.status.Health;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

/**
 * Host-wide tasks: one loopback server plays both the task metadata endpoint v4 (this task) and
 * the ECS agent's introspection API ({@code /v1/tasks}, {@code /v1/metadata}), serving the
 * documented payload structures; the provider feeds the core's real store, read by the real
 * tagger.
 */
class EcsIntrospectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CURL = "ee08638adaaf009d78c248913f629e38299471d45fe7dc944d1039077e3424ca";
    private static final String NGINX = "5a1e0c9f8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";
    private static final String SIMPLE_APP = "0b3c5e7f9a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b";
    private static final String BUSYBOX = "c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8";
    private static final String API = "1f2e3d4c5b6a79880716253443526170a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4";
    private static final String STOPPED = "aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00ee11ff22aa33bb44cc55dd66";

    private final Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger tasksRequests = new AtomicInteger();
    private final StoreHarness harness = new StoreHarness();
    private HttpServer server;
    private String base;
    private EcsProvider provider;
    private WorkloadTagger tagger;

    @BeforeEach
    void start() throws IOException {
        bodies.put("/v4/abc-123/task", EcsProviderTest.resource("ecs-v4-task-ec2.json"));
        bodies.put("/v1/tasks", EcsProviderTest.resource("ecs-introspection-tasks-ec2.json"));
        bodies.put("/v1/metadata", EcsProviderTest.resource("ecs-introspection-metadata.json"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/v1/tasks")) {
                tasksRequests.incrementAndGet();
            }
            byte[] b = bodies.getOrDefault(path, "{}".getBytes());
            ex.sendResponseHeaders(statuses.getOrDefault(path, bodies.containsKey(path) ? 200 : 404), b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        tagger = new WorkloadTagger(harness.store(), new TestTaggerConfig());
    }

    @AfterEach
    void stop() {
        tagger.deactivate();
        if (provider != null) {
            harness.unbind(provider);
        }
        server.stop(0);
    }

    private void bind(String v4, String executionEnv) {
        bind(base, v4, executionEnv);
    }

    private void bind(String introspectionUri, String v4, String executionEnv) {
        provider = new EcsProvider(TestConfig.withIntrospection(introspectionUri), v4, executionEnv);
        harness.bind(provider);
    }

    private TagSet taskOf(String containerId) {
        WorkloadStore store = harness.store();
        return store.byContainerId(containerId).map(WorkloadEntity::parent).flatMap(store::get)
                .map(WorkloadEntity::tags).orElse(TagSet.EMPTY);
    }

    private TagSet remote(String ip) {
        TestFlows.Collector l = new TestFlows.Collector();
        TestFlows.Collector r = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(0, "198.51.100.1", ip), l, r);
        return r.tags();
    }

    @Test
    void ec2HostWithSeveralTasksTagsEveryContainerAndStoppedTasksDisappear() throws IOException {
        bind(base + "/v4/abc-123", null);
        WorkloadStore store = harness.store();
        Await.until(WAIT, () -> "api".equals(taskOf(API).get("task_name")), () -> provider.status().toString());
        assertEquals("MyService", taskOf(CURL).get("ecs_service"), "this task comes from v4, which wins");
        assertEquals("curl", store.byContainerId(CURL).orElseThrow().tags().get("ecs_container_name"));
        assertEquals("nginx", store.byContainerId(NGINX).orElseThrow().tags().get("ecs_container_name"));
        assertEquals("ecs-nginx-efs-2-nginx-d4e9a1c0b8f7e6d5c400",
                store.byContainerId(NGINX).orElseThrow().tags().get("container_name"));
        assertEquals("simple-app", store.byContainerId(SIMPLE_APP).orElseThrow().tags().get("ecs_container_name"));
        assertEquals("busybox", store.byContainerId(BUSYBOX).orElseThrow().tags().get("ecs_container_name"));
        TagSet nginx = taskOf(NGINX);
        assertEquals("nginx-efs", nginx.get("task_name"));
        assertEquals("2", nginx.get("task_version"));
        assertEquals("default", nginx.get("ecs_cluster_name"));
        assertEquals("us-west-2d", nginx.get("availability_zone"), "this instance's zone, from v4");
        assertEquals("us-west-2", nginx.get("region"));
        assertEquals("ec2", nginx.get("ecs_launch_type"));
        assertEquals("console-sample-app-static", taskOf(BUSYBOX).get("task_family"));
        assertEquals("default", taskOf(BUSYBOX).get("ecs_cluster_name"), "a short ARN gets the cluster from v4");
        assertEquals("api", remote("10.0.2.77").get("task_name"), "awsvpc task addresses");
        assertEquals("11", remote("2001:db8:10b:1a00::77").get("task_version"));
        assertTrue(store.byContainerId(STOPPED).isEmpty(), "a stopped task is left out");
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
        assertTrue(provider.status().get(0).message().contains("3 other tasks on the host, 4 containers"),
                provider.status().toString());

        ObjectMapper mapper = new ObjectMapper();
        ObjectNode tasks = (ObjectNode) mapper.readTree(bodies.get("/v1/tasks"));
        ArrayNode list = (ArrayNode) tasks.get("Tasks");
        ((ObjectNode) list.get(3)).put("KnownStatus", "STOPPED");
        list.remove(1);
        bodies.put("/v1/tasks", mapper.writeValueAsBytes(tasks));
        Await.until(WAIT, () -> store.byContainerId(API).isEmpty() && store.byContainerId(NGINX).isEmpty(),
                () -> String.valueOf(store.byContainerId(API)));
        assertTrue(remote("10.0.2.77").isEmpty(), "the stopped task's address is released");
        assertEquals("busybox", store.byContainerId(BUSYBOX).orElseThrow().tags().get("ecs_container_name"));
    }

    @Test
    void onTheHostWithoutV4TheClusterComesFromTheAgent() {
        bind(base + "/v1/tasks", null, null);
        Await.until(WAIT, () -> "default".equals(taskOf(BUSYBOX).get("ecs_cluster_name")),
                () -> provider.status().toString());
        assertEquals("curltest", taskOf(CURL).get("task_name"), "this task too, from introspection");
        assertEquals("curltest", remote("10.0.2.61").get("task_name"), "awsvpc addresses from introspection");
        assertNull(taskOf(BUSYBOX).get("availability_zone"), "no zone without v4");
    }

    @Test
    void fargateIsNeverPolledForIntrospection() throws IOException {
        bodies.put("/v4/abc-123/task", EcsProviderTest.resource("ecs-v4-task-fargate.json"));
        bind(base + "/v4/abc-123", null);
        Await.until(WAIT, () -> provider.status().get(0).message().contains("Fargate")
                && "fargate".equals(remote("192.0.2.3").get("ecs_launch_type")), () -> provider.status().toString());
        long polls = (Long) provider.status().get(0).counters().get("polls");
        Await.until(WAIT, () -> (Long) provider.status().get(0).counters().get("polls") >= polls + 3,
                () -> provider.status().toString());
        assertEquals(0, tasksRequests.get());
        assertEquals(Health.OK, provider.status().get(0).health());
    }

    @Test
    void fargateFromTheEnvironmentWithoutV4IsReportedNotPolled() {
        bind(null, "AWS_ECS_FARGATE");
        assertEquals(Health.DOWN, provider.status().get(0).health());
        assertTrue(provider.status().get(0).message().contains("Fargate"), provider.status().toString());
        assertEquals(0, tasksRequests.get());
    }

    @Test
    void introspectionErrorsGarbageAndHugeBodiesKeepTheLastHostTasks() {
        bind(base + "/v4/abc-123", null);
        Await.until(WAIT, () -> "api".equals(taskOf(API).get("task_name")), () -> provider.status().toString());

        statuses.put("/v1/tasks", 500);
        Await.until(WAIT, () -> provider.status().get(0).message().contains("HTTP 500"), () -> provider.status().toString());
        assertEquals(Health.DEGRADED, provider.status().get(0).health());
        statuses.remove("/v1/tasks");
        bodies.put("/v1/tasks", "<html>".getBytes());
        Await.until(WAIT, () -> provider.status().get(0).message().contains("not JSON"), () -> provider.status().toString());
        bodies.put("/v1/tasks", "{\"Tasks\":{\"Arn\":1}}".getBytes());
        Await.until(WAIT, () -> provider.status().get(0).message().contains("lacks Tasks"),
                () -> provider.status().toString());
        bodies.put("/v1/tasks", new byte[HttpFetch.MAX_BODY + 1]);
        Await.until(WAIT, () -> provider.status().get(0).message().contains("larger than the bound"),
                () -> provider.status().toString());
        assertEquals("api", taskOf(API).get("task_name"), "last good host tasks kept");
        assertEquals("MyService", taskOf(CURL).get("ecs_service"), "this task is unaffected");

        bodies.put("/v1/tasks", "{\"Tasks\":[]}".getBytes());
        Await.until(WAIT, () -> harness.store().byContainerId(API).isEmpty(), () -> provider.status().toString());
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
        assertEquals("MyService", taskOf(CURL).get("ecs_service"));
    }
}
