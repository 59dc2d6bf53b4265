package org.cartograph.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.cartograph.sink.FlowSink;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.StatusContributor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The agent's runtime in the real framework, step by step as a user would drive it: components
 * come up, a ConfigAdmin edit reaches the pipeline, bundles dropped into {@code deploy/} join the
 * pipeline, a sink swapped by reconfiguration loses no batch, a deleted sink leaves while another
 * keeps receiving every batch, and a corrupt jar is reported by name while the agent keeps going.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleContext context;
    private ConfigurationAdmin configAdmin;
    private CountingSink counting;
    private ServiceRegistration<FlowSink> countingRegistration;
    private Path home;
    private Path deploy;
    private Path deployables;
    private Path jsonlFile;

    @BeforeAll
    void setUp() throws IOException {
        context = FrameworkUtil.getBundle(PipelineRuntimeTest.class).getBundleContext();
        configAdmin = service(ConfigurationAdmin.class);
        home = Path.of(context.getProperty("cartograph.home"));
        deploy = home.resolve("deploy");
        deployables = Path.of(context.getProperty("cartograph.deployables"));
        jsonlFile = home.resolve("out/flows.jsonl");
        deleteTree(home.resolve("out"));
        Files.createDirectories(deploy);
        try (Stream<Path> files = Files.list(deploy)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        counting = new CountingSink("counting");
        countingRegistration = context.registerService(FlowSink.class, counting, null);
    }

    @AfterAll
    void tearDown() throws IOException {
        countingRegistration.unregister();
        try (Stream<Path> files = Files.list(deploy)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    void coreComponentsActivate() {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        for (String name : List.of("org.cartograph.core.internal.Pipeline", "org.cartograph.core.internal.SinkDispatcher",
                "org.cartograph.config.internal.ConfigComponent", "org.cartograph.config.internal.DeployMonitor")) {
            Await.until(WAIT, name + " active", () -> componentState(scr, name) == ComponentConfigurationDTO.ACTIVE);
        }
        // a delayed component: satisfied, and activated by its first user
        String store = "org.cartograph.core.internal.WorkloadStoreImpl";
        Await.until(WAIT, store + " satisfied", () -> componentState(scr, store) == ComponentConfigurationDTO.SATISFIED
                || componentState(scr, store) == ComponentConfigurationDTO.ACTIVE);
        assertTrue(service(org.cartograph.metadata.WorkloadStore.class) != null);
        assertTrue(status("pipeline").isPresent(), "the pipeline reports its status");
    }

    @Test
    @Order(2)
    void configAdminEditReachesThePipeline() throws IOException {
        update("org.cartograph.core.pipeline", Map.of("interval.seconds", 1));
        Await.until(WAIT, "pipeline interval 1s", () -> status("pipeline")
                .map(s -> "1".equals(s.attributes().get("interval_s"))).orElse(false));
        long before = counting.received();
        Await.until(WAIT, "three batches at the new interval", () -> counting.received() >= before + 3);
    }

    @Test
    @Order(3)
    void bundlesDroppedIntoDeployJoinThePipeline() throws IOException {
        Path script = home.resolve("replay.yaml");
        Files.writeString(script, """
                steps:
                  - open:
                      - {protocol: tcp, laddr: 10.0.0.1, lport: 40000, raddr: 10.0.0.2, rport: 443, cookie: 1,
                         direction: outgoing, bytes_sent: 100, bytes_received: 1000, packets_sent: 1, packets_received: 2,
                         established: 1}
                  - open:
                      - {protocol: tcp, laddr: 10.0.0.1, lport: 40000, raddr: 10.0.0.2, rport: 443, cookie: 1,
                         direction: outgoing, bytes_sent: 300, bytes_received: 3000, packets_sent: 3, packets_received: 6,
                         established: 1}
                  - close:
                      - {protocol: tcp, laddr: 10.0.0.1, lport: 40000, raddr: 10.0.0.2, rport: 443, cookie: 1,
                         direction: outgoing, bytes_sent: 600, bytes_received: 6000, packets_sent: 6, packets_received: 12,
                         established: 1, closed: 1}
                repeat: true
                """);
        update("org.cartograph.capture.replay", Map.of("script", script.toString()));
        update("org.cartograph.sink.jsonl", Map.of("path", jsonlFile.toString()));
        dropIntoDeploy("org.cartograph.capture.replay.jar");
        dropIntoDeploy("org.cartograph.sink.jsonl.jar");
        Await.until(WAIT, "replay and jsonl bundles active", () -> bundle("org.cartograph.capture.replay") != null
                && bundle("org.cartograph.sink.jsonl") != null);
        Await.until(WAIT, "flows in " + jsonlFile, () -> batchesIn(jsonlFile).size() >= 3);
        List<JsonNode> lines = lines(jsonlFile);
        JsonNode first = lines.getFirst();
        assertEquals("conn", first.get("type").asText());
        assertEquals("10.0.0.2", first.get("raddr").asText());
        assertEquals(443, first.get("rport").asInt());
        assertEquals("outgoing", first.get("direction").asText());
        long sent = lines.stream().limit(3).mapToLong(n -> n.get("bytes_sent").asLong()).sum();
        assertTrue(sent > 0, "deltas carry bytes");
    }

    @Test
    @Order(4)
    void reconfiguringASinkLosesNoBatch() throws IOException {
        TreeSet<Long> before = batchesIn(jsonlFile);
        update("org.cartograph.sink.jsonl", Map.of("path", jsonlFile.toString(), "max.files", 3));
        long target = counting.lastSequence() + 5;
        Await.until(WAIT, "five more batches after the swap", () -> {
            TreeSet<Long> b = batchesIn(jsonlFile);
            return !b.isEmpty() && b.last() >= target;
        });
        TreeSet<Long> after = batchesIn(jsonlFile);
        assertTrue(after.containsAll(before));
        assertContiguous(after, "batches written across the swap");
    }

    @Test
    @Order(5)
    void deletingASinkStopsItWhileOtherSinksMissNothing() throws IOException {
        Files.delete(deploy.resolve("org.cartograph.sink.jsonl.jar"));
        Await.until(WAIT, "jsonl bundle uninstalled", () -> bundle("org.cartograph.sink.jsonl") == null);
        long linesAfterRemoval = lines(jsonlFile).size();
        long target = counting.lastSequence() + 3;
        Await.until(WAIT, "three more batches to the remaining sink", () -> counting.lastSequence() >= target);
        assertEquals(linesAfterRemoval, lines(jsonlFile).size(), "a removed sink receives nothing");
        List<Long> seq = counting.sequences();
        assertContiguous(new TreeSet<>(seq), "batches received by the sink that stayed");
        assertEquals(seq.size(), new TreeSet<>(seq).size(), "no batch delivered twice");
    }

    @Test
    @Order(6)
    void corruptJarIsReportedByNameAndTheAgentKeepsRunning() throws IOException {
        Files.write(deploy.resolve("broken.jar"), "this is not a zip file".getBytes());
        Await.until(WAIT, "broken.jar reported in status", () -> allStatus().stream()
                .anyMatch(s -> s.message().contains("broken.jar") || s.attributes().keySet().stream().anyMatch(k -> k.contains("broken.jar"))
                        || s.attributes().values().stream().anyMatch(v -> v.contains("broken.jar"))));
        long target = counting.lastSequence() + 2;
        Await.until(WAIT, "batches keep flowing", () -> counting.lastSequence() >= target);
        Files.delete(deploy.resolve("broken.jar"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void assertContiguous(TreeSet<Long> seqs, String what) {
        assertFalse(seqs.isEmpty(), what + ": none");
        long expected = seqs.last() - seqs.first() + 1;
        assertEquals(expected, seqs.size(), what + " must be contiguous, got " + seqs);
    }

    private void dropIntoDeploy(String jar) throws IOException {
        Path tmp = deploy.resolve(jar + ".part");
        Files.copy(deployables.resolve(jar), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, deploy.resolve(jar), StandardCopyOption.ATOMIC_MOVE);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE) {
                return b;
            }
        }
        return null;
    }

    private void update(String pid, Map<String, Object> props) throws IOException {
        Configuration c = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> d = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        props.forEach(d::put);
        c.update(d);
    }

    private static List<JsonNode> lines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TreeSet<Long> batchesIn(Path file) {
        TreeSet<Long> out = new TreeSet<>();
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(file.getFileName().toString())).toList()) {
                lines(p).forEach(n -> out.add(n.get("batch").asLong()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private java.util.Optional<ComponentStatus> status(String component) {
        return allStatus().stream().filter(s -> s.component().equals(component)).findFirst();
    }

    private List<ComponentStatus> allStatus() {
        List<ComponentStatus> out = new ArrayList<>();
        try {
            for (ServiceReference<StatusContributor> ref : context.getServiceReferences(StatusContributor.class, null)) {
                StatusContributor c = context.getService(ref);
                if (c != null) {
                    out.addAll(c.status());
                    context.ungetService(ref);
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static int componentState(ServiceComponentRuntime scr, String name) {
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.name.equals(name)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    return c.state;
                }
            }
        }
        return -1;
    }

    private <T> T service(Class<T> type) {
        ServiceReference<T> ref = context.getServiceReference(type);
        if (ref == null) {
            throw new IllegalStateException("no " + type.getName() + " service");
        }
        return context.getService(ref);
    }
}
