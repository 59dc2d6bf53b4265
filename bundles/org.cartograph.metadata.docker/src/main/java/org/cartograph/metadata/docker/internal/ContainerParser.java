package org.cartograph.metadata.docker.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Turns a container inspect document ({@code GET /containers/{id}/json}) into a workload entity
 * of kind {@value #KIND}: tags, addresses from every network, the main pid and its network
 * namespace. Thread-safe (immutable).
 */
final class ContainerParser {

    /** The entity kind of a container. */
    static final String KIND = "container";

    /** Labels every Docker host understands, mapped as Datadog does. */
    static final Map<String, String> STANDARD_LABELS = Map.ofEntries(
            Map.entry("com.datadoghq.tags.service", "service"),
            Map.entry("com.datadoghq.tags.env", "env"),
            Map.entry("com.datadoghq.tags.version", "version"),
            Map.entry("com.docker.compose.service", "compose_service"),
            Map.entry("com.docker.compose.project", "compose_project"),
            Map.entry("io.kubernetes.pod.name", "pod_name"),
            Map.entry("io.kubernetes.pod.namespace", "kube_namespace"),
            Map.entry("io.kubernetes.container.name", "kube_container_name"),
            Map.entry("com.amazonaws.ecs.cluster", "ecs_cluster_name"),
            Map.entry("com.amazonaws.ecs.task-definition-family", "task_family"),
            Map.entry("com.amazonaws.ecs.task-definition-version", "task_version"),
            Map.entry("com.amazonaws.ecs.task-arn", "task_arn"),
            Map.entry("com.amazonaws.ecs.container-name", "ecs_container_name"));

    private final String source;
    private final Map<String, String> labelsAsTags;
    private final Path procRoot;

    /**
     * @param source       the provider name written into every entity
     * @param labelsAsTags configured label → tag names, applied after the standard ones
     * @param procRoot     where {@code /proc} is mounted (the host's, for network namespaces)
     */
    ContainerParser(String source, Map<String, String> labelsAsTags, Path procRoot) {
        this.source = source;
        this.labelsAsTags = Map.copyOf(labelsAsTags);
        this.procRoot = procRoot;
    }

    /**
     * @param inspect an inspect document
     * @return the entity, or null when the document has no 64-hex {@code Id} or the container
     *         is not running
     */
    WorkloadEntity parse(JsonNode inspect) {
        String id = inspect.path("Id").asText("");
        if (!isContainerId(id) || !inspect.path("State").path("Running").asBoolean(false)) {
            return null;
        }
        List<Tag> tags = new ArrayList<>();
        tags.add(new Tag("container_id", id));
        String name = inspect.path("Name").asText("");
        name = name.startsWith("/") ? name.substring(1) : name;
        addTag(tags, "container_name", name);
        ImageName image = ImageName.parse(inspect.path("Config").path("Image").asText(""));
        addTag(tags, "image_name", image.name());
        addTag(tags, "short_image", image.shortName());
        addTag(tags, "image_tag", image.tag());
        JsonNode labels = inspect.path("Config").path("Labels");
        if (labels.isObject()) {
            labels.properties().forEach(e -> {
                String label = e.getKey();
                String value = e.getValue().asText("");
                String standard = STANDARD_LABELS.get(label);
                if (standard != null) {
                    addTag(tags, standard, value);
                }
                String mapped = labelsAsTags.get(label);
                if (mapped != null) {
                    addTag(tags, mapped, value);
                }
            });
        }
        Set<IpAddress> addresses = new HashSet<>();
        JsonNode settings = inspect.path("NetworkSettings");
        addAddress(addresses, settings.path("IPAddress").asText(""));
        addAddress(addresses, settings.path("GlobalIPv6Address").asText(""));
        JsonNode networks = settings.path("Networks");
        if (networks.isObject()) {
            networks.properties().forEach(e -> {
                addTag(tags, "docker_network", e.getKey());
                addAddress(addresses, e.getValue().path("IPAddress").asText(""));
                addAddress(addresses, e.getValue().path("GlobalIPv6Address").asText(""));
            });
        }
        int pid = inspect.path("State").path("Pid").asInt(0);
        Set<Integer> pids = pid > 0 ? Set.of(pid) : Set.of();
        Set<Long> netns = new HashSet<>();
        long ns = pid > 0 ? netnsOf(pid) : 0;
        if (ns != 0 && ns != hostNetns()) {
            netns.add(ns);
        }
        return new WorkloadEntity(new EntityId(KIND, id), source, TagSet.of(tags), addresses, Set.of(), pids,
                Set.of(id), netns, null);
    }

    /**
     * @param id a string
     * @return whether it is a full 64-hex container id
     */
    static boolean isContainerId(String id) {
        if (id.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private long netnsOf(int pid) {
        return readNetns(procRoot.resolve(Integer.toString(pid)).resolve("ns").resolve("net"));
    }

    private long hostNetns() {
        return readNetns(procRoot.resolve("1").resolve("ns").resolve("net"));
    }

    private static long readNetns(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            int open = target.indexOf('[');
            int close = target.indexOf(']');
            return open >= 0 && close > open ? Long.parseLong(target.substring(open + 1, close)) : 0;
        } catch (IOException | NumberFormatException | UnsupportedOperationException | SecurityException e) {
            return 0;
        }
    }

    private static void addAddress(Set<IpAddress> addresses, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        try {
            addresses.add(IpAddress.parse(text.strip()));
        } catch (IllegalArgumentException e) {
            // an address the runtime reports in a form we do not know is left out
        }
    }

    private static void addTag(List<Tag> tags, String key, String value) {
        if (value != null && !value.isBlank()) {
            tags.add(new Tag(key, value.strip()));
        }
    }
}
