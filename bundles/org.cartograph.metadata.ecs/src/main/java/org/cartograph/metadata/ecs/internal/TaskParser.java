package org.cartograph.metadata.ecs.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns a task metadata v4 document ({@code ${ECS_CONTAINER_METADATA_URI_V4}/task}) into one
 * {@code ecs_task} entity (its tags and every container address) and one {@code ecs_container}
 * entity per container with the task as parent. EC2 containers carry their 64-hex Docker id, so
 * the tagger finds them by cgroup; Fargate ids are not Docker ids, and Fargate flows are
 * attributed by the task's addresses. Stateless and thread-safe.
 */
final class TaskParser {

    static final String TASK_KIND = "ecs_task";
    static final String CONTAINER_KIND = "ecs_container";

    private final ObjectMapper mapper = new ObjectMapper();
    private final String source;

    TaskParser(String source) {
        this.source = source;
    }

    /**
     * @param body the task document
     * @return the task entity first, then its containers
     * @throws IOException when the body is not JSON or lacks {@code TaskARN} or {@code Containers}
     */
    List<WorkloadEntity> parse(byte[] body) throws IOException {
        JsonNode task;
        try {
            task = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("task metadata is not JSON: " + e.getOriginalMessage(), e);
        }
        if (task == null || !task.isObject()) {
            throw new IOException("task metadata is not a JSON object");
        }
        String arn = task.path("TaskARN").asText("");
        JsonNode containers = task.path("Containers");
        if (arn.isEmpty() || !containers.isArray()) {
            throw new IOException("task metadata lacks TaskARN or Containers");
        }
        List<Tag> tags = new ArrayList<>();
        String family = task.path("Family").asText("");
        add(tags, "task_name", family);
        add(tags, "task_family", family);
        add(tags, "task_version", task.path("Revision").asText(""));
        add(tags, "task_arn", arn);
        add(tags, "ecs_cluster_name", lastSegment(task.path("Cluster").asText("")));
        add(tags, "ecs_service", task.path("ServiceName").asText(""));
        add(tags, "availability_zone", task.path("AvailabilityZone").asText(""));
        add(tags, "ecs_launch_type", task.path("LaunchType").asText("").toLowerCase(Locale.ROOT));
        add(tags, "region", regionOf(arn));
        EntityId taskId = new EntityId(TASK_KIND, arn);
        Set<IpAddress> taskAddresses = new HashSet<>();
        List<WorkloadEntity> out = new ArrayList<>();
        out.add(null);
        for (JsonNode c : containers) {
            String dockerId = c.path("DockerId").asText("");
            if (dockerId.isEmpty()) {
                continue;
            }
            Set<IpAddress> addresses = new HashSet<>();
            for (JsonNode net : c.path("Networks")) {
                for (JsonNode a : net.path("IPv4Addresses")) {
                    addAddress(addresses, a.asText(""));
                }
                for (JsonNode a : net.path("IPv6Addresses")) {
                    addAddress(addresses, a.asText(""));
                }
            }
            taskAddresses.addAll(addresses);
            List<Tag> ct = new ArrayList<>();
            add(ct, "ecs_container_name", c.path("Name").asText(""));
            add(ct, "container_name", c.path("DockerName").asText(""));
            add(ct, "container_id", dockerId);
            String image = c.path("Image").asText("");
            add(ct, "image_name", image.contains(":") && image.lastIndexOf(':') > image.lastIndexOf('/')
                    ? image.substring(0, image.lastIndexOf(':')) : image);
            Set<String> ids = dockerId.matches("[0-9a-f]{64}") ? Set.of(dockerId) : Set.of();
            out.add(new WorkloadEntity(new EntityId(CONTAINER_KIND, dockerId), source, TagSet.of(ct), Set.of(),
                    Set.of(), Set.of(), ids, Set.of(), taskId));
        }
        out.set(0, new WorkloadEntity(taskId, source, TagSet.of(tags), taskAddresses, Set.of(), Set.of(), Set.of(),
                Set.of(), null));
        return out;
    }

    static String lastSegment(String arnOrName) {
        int slash = arnOrName.lastIndexOf('/');
        return slash >= 0 ? arnOrName.substring(slash + 1) : arnOrName;
    }

    /** @return the region of {@code arn:aws:ecs:REGION:ACCOUNT:task/...}, or empty */
    static String regionOf(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length >= 4 && parts[0].equals("arn") ? parts[3] : "";
    }

    static void addAddress(Set<IpAddress> set, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        try {
            set.add(IpAddress.parse(text.strip()));
        } catch (IllegalArgumentException e) {
            // an address in an unknown form is left out
        }
    }

    private static void add(List<Tag> tags, String key, String value) {
        if (value != null && !value.isBlank()) {
            tags.add(new Tag(key, value.strip()));
        }
    }
}
