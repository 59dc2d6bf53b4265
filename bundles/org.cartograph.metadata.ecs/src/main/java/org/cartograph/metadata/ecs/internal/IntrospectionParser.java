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
 * Reads the ECS container agent's introspection API ({@code /v1/tasks}: every task on this
 * container instance, with {@code Arn}, {@code Family}, {@code Version}, {@code KnownStatus},
 * {@code Containers[]} of {@code DockerId}, {@code DockerName}, {@code Name} and, for awsvpc tasks,
 * {@code Networks[]} with their addresses; {@code /v1/metadata}: the cluster) and turns the tasks
 * that are not stopped into {@code ecs_task} and {@code ecs_container} entities, the same kinds and
 * tags as {@link TaskParser} makes from the task metadata endpoint. Stateless and thread-safe.
 */
final class IntrospectionParser {

    /** One container of a host task. */
    record HostContainer(String dockerId, String dockerName, String name) {
    }

    /** One task on the host, as the agent knows it. */
    record HostTask(String arn, String family, String version, String knownStatus, List<HostContainer> containers,
                    Set<IpAddress> addresses) {
    }

    /** What the host's tasks share: the cluster and zone of this container instance (empty when unknown). */
    record Host(String cluster, String availabilityZone) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final String source;

    IntrospectionParser(String source) {
        this.source = source;
    }

    /**
     * @param body a {@code /v1/tasks} document
     * @return every task in it that has an ARN and is not stopped
     * @throws IOException when the body is not JSON or has no {@code Tasks} array
     */
    List<HostTask> tasks(byte[] body) throws IOException {
        JsonNode root = object(body, "the /v1/tasks answer");
        JsonNode tasks = root.path("Tasks");
        if (!tasks.isArray() && !tasks.isNull()) {
            throw new IOException("the /v1/tasks answer lacks Tasks");
        }
        List<HostTask> out = new ArrayList<>();
        for (JsonNode t : tasks) {
            String arn = t.path("Arn").asText("");
            String known = t.path("KnownStatus").asText("").toUpperCase(Locale.ROOT);
            if (arn.isEmpty() || known.equals("STOPPED")) {
                continue;
            }
            List<HostContainer> containers = new ArrayList<>();
            Set<IpAddress> addresses = new HashSet<>();
            for (JsonNode c : t.path("Containers")) {
                String id = c.path("DockerId").asText("");
                if (!id.isEmpty()) {
                    containers.add(new HostContainer(id, c.path("DockerName").asText(""), c.path("Name").asText("")));
                }
                for (JsonNode net : c.path("Networks")) {
                    net.path("IPv4Addresses").forEach(a -> TaskParser.addAddress(addresses, a.asText("")));
                    net.path("IPv6Addresses").forEach(a -> TaskParser.addAddress(addresses, a.asText("")));
                }
            }
            out.add(new HostTask(arn, t.path("Family").asText(""), t.path("Version").asText(""), known,
                    List.copyOf(containers), Set.copyOf(addresses)));
        }
        return out;
    }

    /**
     * @param body a {@code /v1/metadata} document
     * @return the cluster name, or empty
     * @throws IOException when the body is not a JSON object
     */
    String cluster(byte[] body) throws IOException {
        return TaskParser.lastSegment(object(body, "the /v1/metadata answer").path("Cluster").asText(""));
    }

    /**
     * @param tasks the host's tasks
     * @param host  what they share
     * @param known entities already known from the task metadata endpoint (they win)
     * @return an {@code ecs_task} per task not known, and an {@code ecs_container} per container not known
     */
    List<WorkloadEntity> entities(List<HostTask> tasks, Host host, List<WorkloadEntity> known) {
        Set<EntityId> taken = new HashSet<>();
        known.forEach(e -> taken.add(e.id()));
        List<WorkloadEntity> out = new ArrayList<>();
        for (HostTask t : tasks) {
            EntityId taskId = new EntityId(TaskParser.TASK_KIND, t.arn());
            if (!taken.add(taskId)) {
                continue;
            }
            List<Tag> tags = new ArrayList<>();
            add(tags, "task_name", t.family());
            add(tags, "task_family", t.family());
            add(tags, "task_version", t.version());
            add(tags, "task_arn", t.arn());
            String cluster = host.cluster().isEmpty() ? clusterOf(t.arn()) : host.cluster();
            add(tags, "ecs_cluster_name", cluster);
            add(tags, "availability_zone", host.availabilityZone());
            add(tags, "ecs_launch_type", "ec2");
            add(tags, "region", TaskParser.regionOf(t.arn()));
            out.add(new WorkloadEntity(taskId, source, TagSet.of(tags), t.addresses(), Set.of(), Set.of(), Set.of(),
                    Set.of(), null));
            for (HostContainer c : t.containers()) {
                EntityId id = new EntityId(TaskParser.CONTAINER_KIND, c.dockerId());
                if (!taken.add(id)) {
                    continue;
                }
                List<Tag> ct = new ArrayList<>();
                add(ct, "ecs_container_name", c.name());
                add(ct, "container_name", c.dockerName());
                add(ct, "container_id", c.dockerId());
                Set<String> ids = c.dockerId().matches("[0-9a-f]{64}") ? Set.of(c.dockerId()) : Set.of();
                out.add(new WorkloadEntity(id, source, TagSet.of(ct), Set.of(), Set.of(), Set.of(), ids, Set.of(),
                        taskId));
            }
        }
        return out;
    }

    /** @return the cluster of a long task ARN ({@code ...:task/CLUSTER/ID}), or empty */
    private static String clusterOf(String arn) {
        int task = arn.indexOf(":task/");
        String rest = task < 0 ? "" : arn.substring(task + ":task/".length());
        int slash = rest.indexOf('/');
        return slash > 0 ? rest.substring(0, slash) : "";
    }

    private JsonNode object(byte[] body, String what) throws IOException {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException(what + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(what + " is not a JSON object");
        }
        return root;
    }

    private static void add(List<Tag> tags, String key, String value) {
        if (value != null && !value.isBlank()) {
            tags.add(new Tag(key, value.strip()));
        }
    }
}
