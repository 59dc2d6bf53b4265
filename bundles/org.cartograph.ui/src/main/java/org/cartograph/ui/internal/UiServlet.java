package org.cartograph.ui.internal;

import java.io.IOException;
import java.util.Enumeration;

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
 * style, and Cytoscape.js from the bundled webjar, gzip-compressed when the browser takes it, with
 * ETags, and cacheable for good under their versioned addresses (see {@link StaticResources}). The
 * pages read the store's JSON API ({@code /api/v1/*}). Everything is behind the console's
 * authentication (the Web Console {@link SecurityProvider} with id {@code cartograph}). More specific patterns ({@code /status},
 * {@code /system/console}, {@code /api/v1}) keep their own servlets.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/")
public final class UiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String IMMUTABLE = "private, max-age=31536000, immutable";

    private final transient SecurityProvider security;
    private final transient StaticResources resources;

    /** @param security the console's security provider */
    @Activate
    public UiServlet(@Reference(target = "(" + SecurityProvider.PROPERTY_ID + "=cartograph)") SecurityProvider security) {
        this.security = security;
        this.resources = new StaticResources();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (security.authenticate(req, resp) == null) {
            return;
        }
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        StaticResources.Resource r = resources.get(path.isEmpty() ? "/" : path);
        if (r == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        boolean forGood = r.versioned() && r.version().equals(req.getParameter(StaticResources.VERSION));
        resp.setHeader("Cache-Control", forGood ? IMMUTABLE : "no-cache");
        resp.setHeader("ETag", r.etag());
        resp.setHeader("Vary", "Accept-Encoding");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        if (r.etag().equals(req.getHeader("If-None-Match"))) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        resp.setContentType(r.type());
        resp.setHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
        byte[] body = r.body();
        if (acceptsGzip(req)) {
            resp.setHeader("Content-Encoding", "gzip");
            body = r.gzipped();
        }
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** Whether the client takes gzip (a {@code q=0} refusal is honoured). */
    static boolean acceptsGzip(HttpServletRequest req) {
        Enumeration<String> values = req.getHeaders("Accept-Encoding");
        while (values != null && values.hasMoreElements()) {
            for (String coding : values.nextElement().split(",")) {
                String[] parts = coding.strip().split(";");
                if (parts[0].strip().equalsIgnoreCase("gzip")) {
                    return parts.length == 1 || !parts[1].replace(" ", "").matches("q=0(\\.0*)?");
                }
            }
        }
        return false;
    }
}
