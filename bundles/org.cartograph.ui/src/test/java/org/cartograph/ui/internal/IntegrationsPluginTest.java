package org.cartograph.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.inventory.Format;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.store.internal.TestServer;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.util.promise.Promise;

/**
 * The console plugin over HTTP: it lists the integrations with state and status; disabling the
 * Docker provider stores the change (as ConfigAdmin would) and the component goes down; enabling
 * brings it back.
 */
class IntegrationsPluginTest {

    private static final String DOCKER = "org.cartograph.metadata.docker.internal.DockerProvider";
    private static final String JSONL = "org.cartograph.sink.jsonl.internal.JsonlSink";

    /** A component runtime holding three components; a disabled one has no configuration. */
    static final class FakeScr implements ServiceComponentRuntime {
        final List<ComponentDescriptionDTO> all = new ArrayList<>();
        final Set<String> disabled = ConcurrentHashMap.newKeySet();

        FakeScr() {
            all.add(description(DOCKER, "org.cartograph.metadata.docker", "org.cartograph.metadata.WorkloadMetadataProvider",
                    "org.cartograph.status.StatusContributor"));
            all.add(description(JSONL, "org.cartograph.sink.jsonl", "org.cartograph.sink.FlowSink"));
            all.add(description("org.cartograph.webconsole.internal.StatusServlet", "org.cartograph.webconsole",
                    "jakarta.servlet.Servlet"));
        }

        private static ComponentDescriptionDTO description(String name, String bsn, String... services) {
            ComponentDescriptionDTO d = new ComponentDescriptionDTO();
            d.name = name;
            d.bundle = new BundleDTO();
            d.bundle.symbolicName = bsn;
            d.serviceInterfaces = services;
            d.configurationPolicy = name.equals(JSONL) ? "require" : "optional";
            return d;
        }

        @Override
        public Collection<ComponentDescriptionDTO> getComponentDescriptionDTOs(Bundle... bundles) {
            return all;
        }

        @Override
        public ComponentDescriptionDTO getComponentDescriptionDTO(Bundle bundle, String name) {
            return all.stream().filter(d -> d.name.equals(name)).findFirst().orElse(null);
        }

        @Override
        public Collection<ComponentConfigurationDTO> getComponentConfigurationDTOs(ComponentDescriptionDTO d) {
            if (disabled.contains(d.name) || d.name.equals(JSONL)) {
                return List.of();
            }
            ComponentConfigurationDTO c = new ComponentConfigurationDTO();
            c.description = d;
            c.state = ComponentConfigurationDTO.ACTIVE;
            c.service = new ServiceReferenceDTO();
            c.service.id = d.name.equals(DOCKER) ? 42 : 7;
            return List.of(c);
        }

        @Override
        public boolean isComponentEnabled(ComponentDescriptionDTO d) {
            return !disabled.contains(d.name);
        }

        @Override
        public Promise<Void> enableComponent(ComponentDescriptionDTO d) {
            disabled.remove(d.name);
            return null;
        }

        @Override
        public Promise<Void> disableComponent(ComponentDescriptionDTO d) {
            disabled.add(d.name);
            return null;
        }
    }

    private static IntegrationsConfig config(Set<String> disabled) {
        return new IntegrationsConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return IntegrationsConfig.class;
            }

            @Override
            public String[] disabled() {
                return disabled.toArray(String[]::new);
            }
        };
    }

    @Test
    void disablingAndEnablingTheDockerProviderThroughTheConsole() throws Exception {
        FakeScr scr = new FakeScr();
        AtomicReference<IntegrationsPlugin> plugin = new AtomicReference<>();
        List<Set<String>> saved = new ArrayList<>();
        // ConfigAdmin stores the set and DS hands the new configuration to the plugin
        DisabledSettings settings = set -> {
            saved.add(Set.copyOf(set));
            plugin.get().modified(config(set));
        };
        plugin.set(new IntegrationsPlugin(config(Set.of()), scr, settings));
        plugin.get().addContributor(() -> List.of(new ComponentStatus("metadata.docker", Health.OK, "3 containers",
                Map.of(), Map.of(), null)), Map.of("service.id", 42L));
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        try (TestServer server = new TestServer(Map.of("/system/console/cartograph/*", asConsole(plugin.get())))) {
            URI page = URI.create(server.uri() + "/system/console/cartograph/");
            String html = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(html.contains("<tr data-name='" + DOCKER + "' data-state='active'><td>metadata provider</td>"), html);
            assertTrue(html.contains("metadata.docker: OK — 3 containers"), html);
            assertTrue(html.contains("data-name='" + JSONL + "' data-state='waiting for configuration'><td>sink</td>"), html);
            assertFalse(html.contains("StatusServlet"), "only integrations are listed");

            HttpResponse<String> off = http.send(post(page, "action=disable&component=" + DOCKER), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, off.statusCode());
            assertEquals(List.of(Set.of(DOCKER)), saved);
            assertFalse(scr.isComponentEnabled(scr.getComponentDescriptionDTO(null, DOCKER)), "the provider is deactivated");
            assertTrue(off.body().contains("data-name='" + DOCKER + "' data-state='disabled'"), off.body());

            HttpResponse<String> on = http.send(post(page, "action=enable&component=" + DOCKER), HttpResponse.BodyHandlers.ofString());
            assertEquals(Set.of(), saved.get(1));
            assertTrue(scr.isComponentEnabled(scr.getComponentDescriptionDTO(null, DOCKER)), "the provider is back");
            assertTrue(on.body().contains("data-name='" + DOCKER + "' data-state='active'"), on.body());

            assertEquals(400, http.send(post(page, "action=disable&component=org.example.Nope"),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        StringWriter inventory = new StringWriter();
        plugin.get().print(new PrintWriter(inventory), Format.TEXT, false);
        assertTrue(inventory.toString().contains("metadata provider: " + DOCKER + " (org.cartograph.metadata.docker) active"),
                inventory.toString());
        plugin.get().modified(config(Set.of(DOCKER)));
        plugin.get().deactivate();
        assertTrue(scr.isComponentEnabled(scr.getComponentDescriptionDTO(null, DOCKER)), "nothing stays disabled without the plugin");
    }

    /** Calls the plugin as the Web Console does: its page through renderContent, other requests through service. */
    private static jakarta.servlet.Servlet asConsole(IntegrationsPlugin plugin) {
        return new jakarta.servlet.http.HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                    throws java.io.IOException {
                plugin.renderContent(req, resp);
            }

            @Override
            protected void doPost(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse resp)
                    throws java.io.IOException, jakarta.servlet.ServletException {
                plugin.service(req, resp);
            }
        };
    }

    private static HttpRequest post(URI uri, String form) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }
}
