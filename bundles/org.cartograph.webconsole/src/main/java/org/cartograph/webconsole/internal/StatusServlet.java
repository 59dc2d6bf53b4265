package org.cartograph.webconsole.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /status}: the agent's health as JSON — overall health, every component's status
 * (capture variant and drops, per-sink counters, providers, config), bundles and DS components.
 * Holds no secrets. Returns 200 while nothing is DOWN, 503 otherwise, so it can serve as a probe.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/status")
public final class StatusServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();
    private static final String[] STATES = {"", "installed", "resolved", "", "starting", "", "", "", "stopping"};

    private final transient BundleContext context;
    private final transient List<StatusContributor> contributors = new CopyOnWriteArrayList<>();
    private transient volatile ServiceComponentRuntime scr;

    @Activate
    public StatusServlet(BundleContext context) {
        this.context = context;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContributor(StatusContributor c) {
        contributors.add(c);
    }

    void removeContributor(StatusContributor c) {
        contributors.remove(c);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setScr(ServiceComponentRuntime runtime) {
        scr = runtime;
    }

    void unsetScr(ServiceComponentRuntime runtime) {
        if (scr == runtime) {
            scr = null;
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<ComponentStatus> all = new ArrayList<>();
        for (StatusContributor c : contributors) {
            try {
                all.addAll(c.status());
            } catch (RuntimeException e) {
                all.add(new ComponentStatus(c.getClass().getName(), Health.DOWN, "status failed: " + e, null, null, null));
            }
        }
        all.sort(Comparator.comparing(ComponentStatus::component));
        Health overall = all.stream().map(ComponentStatus::health).max(Comparator.naturalOrder()).orElse(Health.OK);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("health", overall.name());
            g.writeArrayFieldStart("components");
            for (ComponentStatus s : all) {
                writeStatus(g, s);
            }
            g.writeEndArray();
            writeBundles(g);
            writeDs(g);
            g.writeEndObject();
        }
        resp.setStatus(overall == Health.DOWN ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(out.toString());
    }

    private static void writeStatus(JsonGenerator g, ComponentStatus s) throws IOException {
        g.writeStartObject();
        g.writeStringField("component", s.component());
        g.writeStringField("health", s.health().name());
        g.writeStringField("message", s.message());
        g.writeStringField("since", s.since().toString());
        g.writeObjectFieldStart("counters");
        for (Map.Entry<String, Long> e : s.counters().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("attributes");
        for (Map.Entry<String, String> e : s.attributes().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writeBundles(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("bundles");
        for (Bundle b : context.getBundles()) {
            g.writeStartObject();
            g.writeNumberField("id", b.getBundleId());
            g.writeStringField("symbolic_name", String.valueOf(b.getSymbolicName()));
            g.writeStringField("version", b.getVersion().toString());
            g.writeStringField("state", b.getState() == Bundle.ACTIVE ? "active"
                    : b.getState() < STATES.length ? STATES[b.getState()] : "uninstalled");
            g.writeStringField("location", b.getLocation());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeDs(JsonGenerator g) throws IOException {
        g.writeArrayFieldStart("ds_components");
        ServiceComponentRuntime runtime = scr;
        if (runtime != null) {
            for (ComponentDescriptionDTO d : runtime.getComponentDescriptionDTOs()) {
                if (!d.bundle.symbolicName.startsWith("org.cartograph")) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("name", d.name);
                g.writeStringField("bundle", d.bundle.symbolicName);
                g.writeBooleanField("enabled", runtime.isComponentEnabled(d));
                g.writeArrayFieldStart("configurations");
                for (ComponentConfigurationDTO c : runtime.getComponentConfigurationDTOs(d)) {
                    g.writeString(stateName(c.state));
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        }
        g.writeEndArray();
    }

    private static String stateName(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "active";
            case ComponentConfigurationDTO.SATISFIED -> "satisfied";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "unsatisfied_reference";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "unsatisfied_configuration";
            case ComponentConfigurationDTO.FAILED_ACTIVATION -> "failed_activation";
            default -> "state_" + state;
        };
    }
}
