package org.cartograph.ui.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The UI at {@code /} of the HTTP port: the network map ({@code /}), analytics ({@code /analytics}),
 * DNS ({@code /dns}), cost ({@code /cost}) and events ({@code /events}) pages, their script and
 * style, and Cytoscape.js from the bundled webjar. The pages read the store's JSON API
 * ({@code /api/v1/*}). Everything is behind the console's authentication (the Web Console
 * {@link SecurityProvider} with id {@code cartograph}). More specific patterns ({@code /status},
 * {@code /system/console}, {@code /api/v1}) keep their own servlets.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/")
public final class UiServlet extends HttpServlet {

    /** Where Cytoscape.js sits in the webjar (and in this bundle). */
    static final String CYTOSCAPE = "/META-INF/resources/webjars/cytoscape/3.33.1/dist/cytoscape.min.js";

    private static final long serialVersionUID = 1L;
    private static final String WEB = "web/";
    private static final Map<String, String> PAGES = Map.of("/", "map.html", "/map", "map.html",
            "/analytics", "analytics.html", "/dns", "dns.html", "/cost", "cost.html", "/events", "events.html");
    private static final Map<String, String> STATIC = Map.of("/static/app.js", "app.js", "/static/style.css", "style.css");

    private final transient SecurityProvider security;

    /** @param security the console's security provider */
    @Activate
    public UiServlet(@Reference(target = "(" + SecurityProvider.PROPERTY_ID + "=cartograph)") SecurityProvider security) {
        this.security = security;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (security.authenticate(req, resp) == null) {
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        if (path.isEmpty()) {
            path = "/";
        }
        String page = PAGES.get(path);
        if (page != null) {
            send(resp, UiServlet.class.getResourceAsStream(WEB + page), "text/html;charset=utf-8");
            return;
        }
        String file = STATIC.get(path);
        if (file != null) {
            send(resp, UiServlet.class.getResourceAsStream(WEB + file),
                    file.endsWith(".js") ? "text/javascript;charset=utf-8" : "text/css;charset=utf-8");
            return;
        }
        if (path.equals("/static/cytoscape.min.js")) {
            send(resp, UiServlet.class.getResourceAsStream(CYTOSCAPE), "text/javascript;charset=utf-8");
            return;
        }
        resp.sendError(HttpServletResponse.SC_NOT_FOUND);
    }

    private static void send(HttpServletResponse resp, InputStream in, String type) throws IOException {
        if (in == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (in) {
            resp.setContentType(type);
            resp.setHeader("Cache-Control", "no-cache");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            resp.setHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
            in.transferTo(resp.getOutputStream());
        }
    }
}
