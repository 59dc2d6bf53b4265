package org.cartograph.itest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Web Console's Cartograph page in the running agent: an integration (the Docker provider,
 * configured through a .cfg file in deploy/) is switched off and on again with one POST each, as
 * the page's buttons do, and DS follows; a cross-site POST is refused.
 */
class ConsolePluginIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER = "org.cartograph.metadata.docker.internal.DockerProvider";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anIntegrationIsDisabledAndEnabledFromTheConsole() throws Exception {
        Files.createDirectories(dir.resolve("deploy"));
        Files.writeString(dir.resolve("deploy/org.cartograph.metadata.docker.cfg"),
                "host=unix://" + dir.resolve("no-such-docker.sock") + "\n");
        try (AgentProcess agent = new AgentProcess(dir, null, Map.of())) {
            agent.await(WAIT, "the Docker provider active", () -> "active".equals(dockerState(agent)));
            Properties creds = new Properties();
            try (var in = Files.newBufferedReader(dir.resolve("data/console-credentials.properties"))) {
                creds.load(in);
            }
            String user = creds.getProperty("user");
            String pw = creds.getProperty("password");
            assertEquals(200, agent.get("/system/console/cartograph", user, pw).code());
            assertTrue(agent.get("/system/console/cartograph", user, pw).body().contains(DOCKER));
            assertEquals(401, agent.post("/system/console/cartograph", "action=disable&component=" + DOCKER,
                    "admin", "admin").code(), "Felix's default credentials are refused");
            assertEquals(403, agent.post("/system/console/cartograph", "action=disable&component=" + DOCKER, user, pw,
                    "Origin", "http://evil.example").code(), "a cross-site form is refused");
            assertEquals("active", dockerState(agent));

            int code = agent.post("/system/console/cartograph", "action=disable&component=" + DOCKER, user, pw).code();
            assertTrue(code == 302 || code == 303 || code == 200, "disable accepted: " + code);
            agent.await(WAIT, "the Docker provider disabled", () -> "disabled".equals(dockerState(agent)));
            code = agent.post("/system/console/cartograph", "action=enable&component=" + DOCKER, user, pw).code();
            assertTrue(code == 302 || code == 303 || code == 200, "enable accepted: " + code);
            agent.await(WAIT, "the Docker provider active again", () -> "active".equals(dockerState(agent)));
        }
    }

    /** @return active, disabled, another DS state, or "absent" */
    private static String dockerState(AgentProcess agent) {
        try {
            JsonNode status = JSON.readTree(agent.get("/status", null, null).body());
            for (JsonNode c : status.get("ds_components")) {
                if (c.get("name").asText().equals(DOCKER)) {
                    if (!c.get("enabled").asBoolean()) {
                        return "disabled";
                    }
                    JsonNode configs = c.get("configurations");
                    return configs.isEmpty() ? "no_configuration" : configs.get(0).asText();
                }
            }
            return "absent";
        } catch (IOException | RuntimeException e) {
            return "unreachable";
        }
    }
}
