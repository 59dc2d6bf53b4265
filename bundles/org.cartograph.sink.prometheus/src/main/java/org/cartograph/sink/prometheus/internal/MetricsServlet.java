package org.cartograph.sink.prometheus.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /metrics} on the agent's HTTP service: the Prometheus sink's metrics plus
 * Cartograph's health gauges ({@link HealthMetrics}), in the Prometheus text format, or
 * OpenMetrics when the {@code Accept} header asks for it. Exists only while the Prometheus sink is
 * configured (it needs the sink's {@link ScrapeSource}). Holds no secrets.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/metrics")
public final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient ScrapeSource source;
    private final transient List<StatusContributor> contributors = new CopyOnWriteArrayList<>();
    private final transient HealthMetrics health = new HealthMetrics(() -> contributors);
    private final transient Exposition exposition = new Exposition();

    /** @param source the configured sink's metrics */
    @Activate
    public MetricsServlet(@Reference ScrapeSource source) {
        this.source = source;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContributor(StatusContributor c) {
        contributors.add(c);
    }

    void removeContributor(StatusContributor c) {
        contributors.remove(c);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Exposition.Rendered r = exposition.render(req.getHeader("Accept"),
                Exposition.merge(source.scrape(), health.collect()));
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(r.contentType());
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(r.body().length);
        resp.getOutputStream().write(r.body());
    }
}
