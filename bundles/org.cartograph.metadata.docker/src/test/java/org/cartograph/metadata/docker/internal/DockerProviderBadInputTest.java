package org.cartograph.metadata.docker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider against a scripted API that misbehaves: clear status, backoff, last good data kept. */
class DockerProviderBadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ID = "a".repeat(64);
    private static final String LIST = "[{\"Id\":\"" + ID + "\"}]";
    private static final String INSPECT = """
            {"Id":"%s","Name":"/api","State":{"Running":true,"Pid":0},
             "Config":{"Image":"registry.example:5000/team/api:1.2","Labels":{"com.datadoghq.tags.env":"prod"}},
             "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.5","GlobalIPv6Address":"fd00::5"}}}}
            """.formatted(ID);

    @TempDir
    Path dir;

    private final Map<EntityId, WorkloadEntity> store = new ConcurrentHashMap<>();
    private final WorkloadWriter writer = new WorkloadWriter() {
        @Override
        public void put(WorkloadEntity entity) {
            store.put(entity.id(), entity);
        }

        @Override
        public void remove(EntityId id) {
            store.remove(id);
        }

        @Override
        public void replaceAll(Collection<WorkloadEntity> entities) {
            store.clear();
            entities.forEach(this::put);
        }
    };

    private static byte[] good(String path) {
        if (path.startsWith("/v1.41/events")) {
            return null;
        }
        if (path.equals("/v1.41/containers/json")) {
            return FakeEngine.response(200, LIST);
        }
        return FakeEngine.response(200, INSPECT);
    }

    @Test
    void missingSocketIsDownWithItsPathThenConnectsWhenItAppears() throws Exception {
        Path socket = dir.resolve("docker.sock");
        DockerProvider provider = new DockerProvider(TestConfig.of("tcp://127.0.0.1:1"), "unix://" + socket);
        provider.start(writer);
        try {
            Await.until(WAIT, () -> provider.status().get(0).health() == Health.DOWN, provider::toString);
            ComponentStatus s = provider.status().get(0);
            assertTrue(s.message().contains(socket.toString()), s.message());
            assertEquals("unix://" + socket, s.attributes().get("host"), "DOCKER_HOST wins over the configuration");
            try (FakeEngine engine = new FakeEngine(socket, DockerProviderBadInputTest::good)) {
                Await.until(WAIT, () -> store.containsKey(new EntityId("container", ID)), () -> provider.status().toString());
                WorkloadEntity e = store.get(new EntityId("container", ID));
                assertEquals("api", e.tags().get("container_name"));
                assertEquals("registry.example:5000/team/api", e.tags().get("image_name"));
                assertEquals("api", e.tags().get("short_image"));
                assertEquals("1.2", e.tags().get("image_tag"));
                assertEquals("prod", e.tags().get("env"));
                assertEquals(2, e.addresses().size());
                Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK, () -> provider.status().toString());
            }
        } finally {
            provider.stop();
        }
    }

    @Test
    void errorsGarbageAndHugeBodiesKeepLastGoodDataAndAreReported() throws Exception {
        try (FakeEngine engine = new FakeEngine(dir.resolve("d.sock"), DockerProviderBadInputTest::good)) {
            DockerProvider provider = new DockerProvider(TestConfig.of("unix://" + engine.socket()), null);
            provider.start(writer);
            try {
                Await.until(WAIT, () -> store.size() == 1 && provider.status().get(0).health() == Health.OK,
                        () -> provider.status().toString());

                engine.script(p -> p.startsWith("/v1.41/events") ? null
                        : FakeEngine.response(500, "{\"message\":\"daemon on fire\"}"));
                engine.dropConnections();
                Await.until(WAIT, () -> provider.status().get(0).message().contains("HTTP 500"),
                        () -> provider.status().toString());
                assertEquals(Health.DEGRADED, provider.status().get(0).health());
                assertTrue(provider.status().get(0).message().contains("daemon on fire"));
                assertEquals(1, store.size(), "last good data kept");

                engine.script(p -> p.startsWith("/v1.41/events") ? null : FakeEngine.response(200, "<html>nope"));
                Await.until(WAIT, () -> provider.status().get(0).message().contains("not JSON"),
                        () -> provider.status().toString());

                engine.script(p -> p.startsWith("/v1.41/events") ? null
                        : FakeEngine.response(200, "[" + "{\"Id\":\"x\"},".repeat(200_000) + "{}]"));
                Await.until(WAIT, () -> provider.status().get(0).message().contains("larger than the bound"),
                        () -> provider.status().toString());

                engine.script(p -> p.startsWith("/v1.41/events") ? null : "garbage\r\n\r\n".getBytes());
                Await.until(WAIT, () -> provider.status().get(0).message().contains("not an HTTP response"),
                        () -> provider.status().toString());
                assertEquals(1, store.size(), "last good data kept");
                long failures = provider.status().get(0).counters().get("failures");
                assertTrue(failures >= 4, "failures counted: " + failures);

                engine.script(DockerProviderBadInputTest::good);
                Await.until(WAIT, () -> provider.status().get(0).health() == Health.OK,
                        () -> provider.status().toString());
            } finally {
                provider.stop();
            }
        }
    }

    @Test
    void eventsStartAndDieAreAppliedAndMalformedEventsSkipped() throws Exception {
        try (FakeEngine engine = new FakeEngine(dir.resolve("e.sock"), p -> {
            if (p.startsWith("/v1.41/events")) {
                return FakeEngine.chunked("{\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"" + ID + "\"}}\n",
                        "not json at all\n");
            }
            return p.equals("/v1.41/containers/json") ? FakeEngine.response(200, "[]")
                    : FakeEngine.response(200, INSPECT);
        })) {
            DockerProvider provider = new DockerProvider(TestConfig.of("unix://" + engine.socket()), null);
            provider.start(writer);
            try {
                Await.until(WAIT, () -> store.containsKey(new EntityId("container", ID)), () -> provider.status().toString());
                Await.until(WAIT, () -> provider.status().get(0).message().contains("not JSON"),
                        () -> provider.status().toString());
                assertEquals(1, store.size(), "the started container stays while the stream is retried");
                engine.script(p -> {
                    if (p.startsWith("/v1.41/events")) {
                        return FakeEngine.chunked("{\"status\":\"remove\",\"id\":\"" + ID + "\",\"Type\":\"container\"}\n");
                    }
                    return p.equals("/v1.41/containers/json") ? FakeEngine.response(200, LIST)
                            : FakeEngine.response(200, INSPECT);
                });
                Await.until(WAIT, () -> store.isEmpty(), () -> "podman's remove applied; " + provider.status());
            } finally {
                provider.stop();
            }
        }
    }
}
