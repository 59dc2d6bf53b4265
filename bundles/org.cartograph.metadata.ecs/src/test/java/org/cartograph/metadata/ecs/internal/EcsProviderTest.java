package org.cartograph.metadata.ecs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.enrich.TagSet;
import org.cartograph.metadata.WorkloadStore;
import org.cartograph.metadata.tagger.internal.WorkloadTagger;
import org.cartograph.status.Health;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * The provider against a task metadata v4 endpoint on loopback serving the documented EC2 and
 * Fargate payloads, feeding the core's real store, read by the real tagger.
 */
class EcsProviderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CURL_ID = "ee08638adaaf009d78c248913f629e38299471d45fe7dc944d1039077e3424ca";

    private HttpServer server;
    private volatile int status = 200;
    private volatile byte[] task;
    private final StoreHarness harness = new StoreHarness();
    private EcsProvider provider;
    private WorkloadTagger tagger;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = EcsProviderTest.class.getResourceAsStream("/" + name)) {
            return in.readAllBytes();
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v4/abc-123/task", ex -> {
            byte[] b = task;
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        String uri = "http://127.0.0.1:" + server.getAddress().getPort() + "/v4/abc-123";
        provider = new EcsProvider(TestConfig.of(""), uri, null);
        tagger = new WorkloadTagger(harness.store(), new TestTaggerConfig());
    }

    @AfterEach
    void stop() {
        tagger.deactivate();
        harness.unbind(provider);
        server.stop(0);
    }

    private TagSet remote(String ip) {
        TestFlows.Collector l = new TestFlows.Collector();
        TestFlows.Collector r = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(0, "198.51.100.1", ip), l, r);
        return r.tags();
    }

    @Test
    void ec2TaskFromTheEnvironmentsEndpoint() throws Exception {
        task = resource("ecs-v4-task-ec2.json");
        harness.bind(provider);
        WorkloadStore store = harness.store();
        Await.until(WAIT, () -> store.byContainerId(CURL_ID).isPresent(), () -> provider.status().toString());
        assertEquals("curl", store.byContainerId(CURL_ID).orElseThrow().tags().get("ecs_container_name"));
        TagSet t = remote("10.0.2.61");
        assertEquals("curltest", t.get("task_name"));
        assertEquals("curltest", t.get("task_family"));
        assertEquals("26", t.get("task_version"));
        assertEquals("default", t.get("ecs_cluster_name"));
        assertEquals("us-west-2d", t.get("availability_zone"));
        assertEquals("MyService", t.get("ecs_service"));
        assertEquals("ec2", t.get("ecs_launch_type"));
        assertEquals("us-west-2", t.get("region"));
        assertEquals("arn:aws:ecs:us-west-2:111122223333:task/default/158d1c8083dd49d6b527399fd6414f5c", t.get("task_arn"));
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
    }

    @Test
    void fargateTaskIsAttributedByItsAddressesIpv4AndIpv6() throws Exception {
        task = resource("ecs-v4-task-fargate.json");
        harness.bind(provider);
        Await.until(WAIT, () -> "curltest".equals(remote("192.0.2.3").get("task_name")), () -> provider.status().toString());
        assertEquals("fargate", remote("192.0.2.3").get("ecs_launch_type"));
        assertEquals("3", remote("2001:db8:10b:1a00:32bf:a372:d80f:e958").get("task_version"));
        TestFlows.Collector local = new TestFlows.Collector();
        tagger.tag(TestFlows.flow(0, "192.0.2.3", "198.51.100.7"), local, new TestFlows.Collector());
        assertEquals("us-west-2a", local.tags().get("availability_zone"), "the local end inside the task");
    }

    @Test
    void errorsGarbageMissingFieldsAndHugeBodiesKeepTheLastTask() throws Exception {
        task = resource("ecs-v4-task-ec2.json");
        harness.bind(provider);
        Await.until(WAIT, () -> "curltest".equals(remote("10.0.2.61").get("task_name")), () -> provider.status().toString());

        status = 500;
        Await.until(WAIT, () -> provider.status().get(0).message().contains("HTTP 500"), () -> provider.status().toString());
        assertEquals(Health.DEGRADED, provider.status().get(0).health());
        status = 200;
        task = "<html>".getBytes();
        Await.until(WAIT, () -> provider.status().get(0).message().contains("not JSON"), () -> provider.status().toString());
        task = "{\"Family\":\"x\"}".getBytes();
        Await.until(WAIT, () -> provider.status().get(0).message().contains("lacks TaskARN"),
                () -> provider.status().toString());
        task = new byte[5 * 1024 * 1024];
        Await.until(WAIT, () -> provider.status().get(0).message().contains("larger than the bound"),
                () -> provider.status().toString());
        assertEquals("curltest", remote("10.0.2.61").get("task_name"), "last good task kept");

        task = resource("ecs-v4-task-fargate.json");
        Await.until(WAIT, () -> "fargate".equals(remote("192.0.2.3").get("ecs_launch_type")),
                () -> provider.status().toString());
        assertTrue(remote("10.0.2.61").isEmpty(), "the replaced task is gone");
        Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
    }

    @Test
    void noEndpointIsReportedNotFatal() {
        EcsProvider none = new EcsProvider(TestConfig.of(""), null, null);
        none.start(new NoopWriter());
        try {
            assertEquals(Health.DOWN, none.status().get(0).health());
            assertTrue(none.status().get(0).message().contains("ECS_CONTAINER_METADATA_URI_V4"));
            assertTrue(none.status().get(0).message().contains("introspection.uri"));
        } finally {
            none.stop();
        }
    }

    /** Writes nothing. */
    private static final class NoopWriter implements org.cartograph.metadata.WorkloadWriter {
        @Override
        public void put(org.cartograph.metadata.WorkloadEntity entity) {
            throw new AssertionError("nothing to write");
        }

        @Override
        public void remove(org.cartograph.metadata.EntityId id) {
            throw new AssertionError("nothing to remove");
        }

        @Override
        public void replaceAll(java.util.Collection<org.cartograph.metadata.WorkloadEntity> entities) {
            throw new AssertionError("nothing to replace");
        }
    }
}
