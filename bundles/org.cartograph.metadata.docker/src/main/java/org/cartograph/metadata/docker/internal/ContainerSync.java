package org.cartograph.metadata.docker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One connection's worth of work against the Engine API: subscribe to container events, list and
 * inspect every running container, replace the provider's entities with the result, then apply
 * events until the stream ends. Runs on the provider's thread; {@link #close()} may be called
 * from any thread and unblocks it.
 */
final class ContainerSync {

    private static final String EVENTS_FILTER = "%7B%22type%22%3A%5B%22container%22%5D%7D";

    private final EngineClient client;
    private final String prefix;
    private final ContainerParser parser;
    private final WorkloadWriter writer;
    private final DockerStatus status;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private volatile EngineClient.Stream current;
    private volatile boolean closed;

    ContainerSync(EngineClient client, String prefix, ContainerParser parser, WorkloadWriter writer,
                  DockerStatus status) {
        this.client = client;
        this.prefix = prefix;
        this.parser = parser;
        this.writer = writer;
        this.status = status;
    }

    /**
     * Connects, resyncs and follows events until the stream ends or fails.
     *
     * @param onSynced run after a successful resync
     * @throws IOException when the API cannot be reached or answers with an error or garbage
     */
    void connectAndFollow(Runnable onSynced) throws IOException {
        try (EngineClient.Stream events = client.stream(prefix + "/events?filters=" + EVENTS_FILTER)) {
            current = events;
            if (closed) {
                return;
            }
            resync();
            onSynced.run();
            String line;
            while ((line = events.readLine()) != null) {
                apply(line);
            }
        } finally {
            current = null;
        }
    }

    /** Lists and inspects every running container and replaces the store's view with them. */
    void resync() throws IOException {
        JsonNode list = json(get(prefix + "/containers/json"), "container list");
        if (!list.isArray()) {
            throw new IOException("container list from " + prefix + "/containers/json is not a JSON array");
        }
        List<WorkloadEntity> entities = new ArrayList<>(list.size());
        for (JsonNode c : list) {
            String id = c.path("Id").asText("");
            if (!ContainerParser.isContainerId(id)) {
                status.skipped();
                continue;
            }
            WorkloadEntity e = inspect(id);
            if (e != null) {
                entities.add(e);
            }
        }
        writer.replaceAll(entities);
        known.clear();
        entities.forEach(e -> known.add(e.id().id()));
        status.synced(known.size());
    }

    /**
     * Applies one line of the events stream.
     *
     * @param line a JSON event
     * @throws IOException when a needed inspect fails for another reason than the container being gone
     */
    void apply(String line) throws IOException {
        JsonNode event = json(line.getBytes(StandardCharsets.UTF_8), "event");
        String type = event.path("Type").asText("container");
        if (!type.equals("container")) {
            return;
        }
        String action = event.path("Action").asText(event.path("status").asText(""));
        String id = event.path("Actor").path("ID").asText(event.path("id").asText(""));
        if (!ContainerParser.isContainerId(id)) {
            status.skipped();
            return;
        }
        status.event();
        switch (action) {
            case "start", "restart", "unpause", "rename", "update" -> {
                WorkloadEntity e = inspect(id);
                if (e != null) {
                    writer.put(e);
                    known.add(id);
                } else {
                    remove(id);
                }
            }
            case "die", "stop", "kill", "oom", "destroy", "remove", "cleanup" -> remove(id);
            default -> {
                return;
            }
        }
        status.running(known.size());
    }

    private void remove(String id) {
        writer.remove(new EntityId(ContainerParser.KIND, id));
        known.remove(id);
    }

    private WorkloadEntity inspect(String id) throws IOException {
        EngineClient.Response r = client.get(prefix + "/containers/" + id + "/json");
        if (r.status() == 404) {
            return null;
        }
        WorkloadEntity e = parser.parse(json(body(r, "inspect of " + id), "inspect of " + id));
        if (e == null) {
            status.skipped();
        }
        return e;
    }

    private byte[] get(String path) throws IOException {
        return body(client.get(path), path);
    }

    private static byte[] body(EngineClient.Response r, String what) throws IOException {
        if (r.status() != 200) {
            throw new IOException("HTTP " + r.status() + " for " + what + ": "
                    + EngineClient.abbreviate(new String(r.body(), StandardCharsets.UTF_8)));
        }
        return r.body();
    }

    private JsonNode json(byte[] body, String what) throws IOException {
        try {
            JsonNode n = mapper.readTree(body);
            if (n == null || n.isMissingNode()) {
                throw new IOException("empty " + what);
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IOException(what + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Stops following: closes the open events stream, if any. */
    void close() {
        closed = true;
        EngineClient.Stream s = current;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
    }
}
