package org.cartograph.store.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The query API, JSON over HTTP, behind the console's authentication (the Web Console
 * {@link SecurityProvider} with id {@code cartograph}):
 * <ul>
 * <li>{@code GET /api/v1/aggregate} — flows grouped by source and destination tags or fields;</li>
 * <li>{@code GET /api/v1/dns} — DNS statistics grouped by domain, server, client, query type, host;</li>
 * <li>{@code GET /api/v1/events} — new/stopped dependencies, suspected/resolved outages;</li>
 * <li>{@code GET /api/v1/measures} — the measure names of both datasets.</li>
 * </ul>
 * A bad parameter gives 400 with {@code {"error": "..."}}.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/api/v1/*")
public final class QueryServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(QueryServlet.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final transient StoreSink store;
    private final transient SecurityProvider security;

    /**
     * @param store    the store
     * @param security the console's security provider
     */
    @Activate
    public QueryServlet(@Reference StoreSink store,
                        @Reference(target = "(" + SecurityProvider.PROPERTY_ID + "=cartograph)") SecurityProvider security) {
        this.store = store;
        this.security = security;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (security.authenticate(req, resp) == null) {
            return;
        }
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            switch (path) {
                case "/aggregate" -> aggregate(g, AggregateRequest.parse(req::getParameter, Dataset.FLOWS, Instant.now()));
                case "/dns" -> aggregate(g, AggregateRequest.parse(req::getParameter, Dataset.DNS, Instant.now()));
                case "/events" -> events(g, req);
                case "/measures" -> measures(g);
                default -> {
                    resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                    return;
                }
            }
        } catch (IllegalArgumentException e) {
            error(resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        } catch (SQLException e) {
            LOG.warn("query {} failed: {}", path, e.getMessage());
            error(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "query failed: " + e.getMessage());
            return;
        }
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(out.toString());
    }

    private void aggregate(JsonGenerator g, AggregateRequest r) throws IOException, SQLException {
        List<AggregateQuery.Row> rows = store.aggregate(r);
        g.writeStartObject();
        g.writeStringField("from", r.from().toString());
        g.writeStringField("to", r.to().toString());
        writeList(g, r.dataset() == Dataset.DNS ? "by" : "src", r.src());
        if (r.dataset() == Dataset.FLOWS) {
            writeList(g, "dst", r.dst());
        }
        writeList(g, "measures", r.measures());
        g.writeStringField("sort", r.sort());
        g.writeNumberField("limit", r.limit());
        g.writeArrayFieldStart("rows");
        for (AggregateQuery.Row row : rows) {
            g.writeStartObject();
            writeMap(g, r.dataset() == Dataset.DNS ? "by" : "src", row.src());
            if (r.dataset() == Dataset.FLOWS) {
                writeMap(g, "dst", row.dst());
            }
            g.writeBooleanField("other", row.other());
            g.writeNumberField("groups", row.groups());
            g.writeObjectFieldStart("values");
            for (Map.Entry<String, Object> v : row.values().entrySet()) {
                g.writeFieldName(v.getKey());
                if (v.getValue() == null) {
                    g.writeNull();
                } else if (v.getValue() instanceof Long l) {
                    g.writeNumber(l);
                } else {
                    g.writeNumber(((Number) v.getValue()).doubleValue());
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void events(JsonGenerator g, HttpServletRequest req) throws IOException, SQLException {
        Instant now = Instant.now();
        Instant to = Times.parse(req.getParameter("to"), now, now);
        Instant from = Times.parse(req.getParameter("from"), now, to.minusSeconds(24 * 3600));
        String kind = req.getParameter("kind");
        kind = kind == null || kind.isBlank() ? null : kind.strip();
        int limit = 200;
        String l = req.getParameter("limit");
        if (l != null && !l.isBlank()) {
            try {
                limit = Math.clamp(Integer.parseInt(l.strip()), 1, AggregateRequest.MAX_LIMIT);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit: expected a number, got '" + l + "'", e);
            }
        }
        g.writeStartObject();
        g.writeArrayFieldStart("events");
        for (Event e : store.events(from, to, kind, limit)) {
            g.writeStartObject();
            g.writeStringField("time", e.time().toString());
            g.writeStringField("kind", e.kind());
            g.writeStringField("source", e.source());
            g.writeStringField("destination", e.destination());
            g.writeStringField("message", e.message());
            EventLog.writeEvidence(g, "evidence", e.evidence());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void measures(JsonGenerator g) throws IOException {
        g.writeStartObject();
        writeList(g, "aggregate", List.copyOf(Measures.names(Dataset.FLOWS)));
        writeList(g, "dns", List.copyOf(Measures.names(Dataset.DNS)));
        g.writeEndObject();
    }

    private static void writeList(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void writeMap(JsonGenerator g, String name, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void error(HttpServletResponse resp, int status, String message) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        }
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(out.toString());
    }
}
