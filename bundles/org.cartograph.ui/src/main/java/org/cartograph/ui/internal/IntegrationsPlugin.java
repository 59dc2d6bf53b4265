package org.cartograph.ui.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.inventory.Format;
import org.apache.felix.inventory.InventoryPrinter;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.StatusContributor;
import org.cartograph.ui.internal.Integrations.Integration;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The Web Console plugin {@code /system/console/cartograph}: every capture backend, metadata
 * provider, tagger, mesh integration and sink with its state and status, each enabled or disabled
 * with one click. A click stores the set of disabled integrations in this plugin's configuration
 * ({@value #PID}, through ConfigAdmin); the configuration change reaches {@link #modified}, which
 * disables or enables the components through DS. Also an inventory printer for support bundles.
 */
@Component(configurationPid = IntegrationsPlugin.PID, service = {Servlet.class, InventoryPrinter.class})
@Designate(ocd = IntegrationsConfig.class)
@ConsolePluginProperties(label = "cartograph", title = "Cartograph integrations", category = "Cartograph")
@InventoryPrinterProperties(name = "cartograph", title = "Cartograph integrations", format = {"TEXT"})
public final class IntegrationsPlugin extends AbstractServlet implements InventoryPrinter {

    /** The configuration PID holding the disabled integrations. */
    public static final String PID = "org.cartograph.ui.integrations";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationsPlugin.class);

    private final transient ServiceComponentRuntime scr;
    private final transient DisabledSettings settings;
    private final transient Map<Long, StatusContributor> contributors = new ConcurrentHashMap<>();
    /** What this plugin disabled; guarded by {@code this}. */
    private final transient Set<String> applied = new TreeSet<>();

    /**
     * @param config the disabled integrations
     * @param scr    the component runtime
     * @param admin  ConfigAdmin, where clicks are stored
     */
    @Activate
    public IntegrationsPlugin(IntegrationsConfig config, @Reference ServiceComponentRuntime scr,
                              @Reference ConfigurationAdmin admin) {
        this(config, scr, DisabledSettings.of(admin));
    }

    IntegrationsPlugin(IntegrationsConfig config, ServiceComponentRuntime scr, DisabledSettings settings) {
        this.scr = scr;
        this.settings = settings;
        modified(config);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContributor(StatusContributor c, Map<String, Object> props) {
        contributors.put((Long) props.get(Constants.SERVICE_ID), c);
    }

    void removeContributor(StatusContributor c, Map<String, Object> props) {
        contributors.remove((Long) props.get(Constants.SERVICE_ID), c);
    }

    /**
     * Disables the configured integrations and enables those no longer configured.
     *
     * @param config the new configuration
     */
    @Modified
    synchronized void modified(IntegrationsConfig config) {
        Set<String> wanted = new TreeSet<>(Arrays.asList(config.disabled()));
        for (String name : wanted) {
            var d = Integrations.find(scr, name);
            if (d == null) {
                LOG.warn("cannot disable integration {}: no such component", name);
            } else if (scr.isComponentEnabled(d)) {
                scr.disableComponent(d);
                LOG.info("integration {} disabled", name);
            }
        }
        for (String name : applied) {
            var d = Integrations.find(scr, name);
            if (!wanted.contains(name) && d != null && !scr.isComponentEnabled(d)) {
                scr.enableComponent(d);
                LOG.info("integration {} enabled", name);
            }
        }
        applied.clear();
        applied.addAll(wanted);
    }

    /** Enables again what this plugin disabled, so nothing stays off without it. */
    @Deactivate
    synchronized void deactivate() {
        modified(new IntegrationsConfig() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return IntegrationsConfig.class;
            }

            @Override
            public String[] disabled() {
                return new String[0];
            }
        });
    }

    @Override
    public void renderContent(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/html;charset=utf-8");
        PrintWriter out = resp.getWriter();
        out.println("<table class='tablesorter nicetable' id='cartograph-integrations'>");
        out.println("<thead><tr><th>Kind</th><th>Integration</th><th>Bundle</th><th>State</th><th>Status</th><th></th></tr></thead><tbody>");
        for (Integration i : Integrations.collect(scr, contributors)) {
            out.print("<tr data-name='" + esc(i.name()) + "' data-state='" + esc(i.state()) + "'><td>" + esc(i.kind())
                    + "</td><td>" + esc(i.name()) + "</td><td>" + esc(i.bundle()) + "</td><td>" + esc(i.state())
                    + "</td><td>");
            for (ComponentStatus s : i.statuses()) {
                out.print(esc(s.component() + ": " + s.health() + (s.message().isEmpty() ? "" : " — " + s.message())) + "<br>");
            }
            String action = i.enabled() ? "disable" : "enable";
            out.println("</td><td><form method='post'><input type='hidden' name='component' value='" + esc(i.name())
                    + "'><button type='submit' name='action' value='" + action + "'>" + (i.enabled() ? "Disable" : "Enable")
                    + "</button></form></td></tr>");
        }
        out.println("</tbody></table>");
    }

    /** {@code action=enable|disable&component=NAME}: stores the change through ConfigAdmin, then shows the page. */
    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!sameOrigin(req)) {
            resp.sendError(HttpServletResponse.SC_FORBIDDEN, "cross-site request refused");
            return;
        }
        String action = req.getParameter("action");
        String name = req.getParameter("component");
        if (name == null || Integrations.find(scr, name) == null || !("enable".equals(action) || "disable".equals(action))) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "expected action=enable|disable and a Cartograph integration");
            return;
        }
        Set<String> next;
        synchronized (this) {
            next = new TreeSet<>(applied);
        }
        if (action.equals("disable")) {
            next.add(name);
        } else {
            next.remove(name);
        }
        settings.save(next);
        resp.sendRedirect(req.getRequestURI());
    }

    /**
     * Browsers send Basic credentials with any request to the host, also from another site's
     * form: a POST that names another origin is refused (tools that send no Origin are fine).
     */
    static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null || origin.isEmpty()) {
            return true;
        }
        String host = req.getHeader("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    @Override
    public void print(PrintWriter out, Format format, boolean isZip) {
        out.println("Cartograph integrations");
        out.println("=======================");
        List<Integration> all = Integrations.collect(scr, contributors);
        for (Integration i : all) {
            out.println(i.kind() + ": " + i.name() + " (" + i.bundle() + ") " + i.state());
            for (ComponentStatus s : i.statuses()) {
                out.println("    " + s.component() + " " + s.health() + (s.message().isEmpty() ? "" : " " + s.message())
                        + " counters=" + s.counters() + " attributes=" + s.attributes());
            }
        }
    }

    private static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '\'' -> sb.append("&#39;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
