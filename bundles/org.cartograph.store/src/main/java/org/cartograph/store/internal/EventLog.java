package org.cartograph.store.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** Reads and writes the {@code events} table; evidence is kept as a JSON object. Stateless. */
final class EventLog {

    private static final JsonFactory JSON = new JsonFactory();

    private EventLog() {
    }

    /**
     * @param c     a connection
     * @param event the event
     * @throws SQLException on a database error
     */
    static void append(Connection c, Event event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO events VALUES (make_timestamp(?::BIGINT), ?, ?, ?, ?, ?)")) {
            ps.setLong(1, Times.micros(event.time()));
            ps.setString(2, event.kind());
            ps.setString(3, event.source());
            ps.setString(4, event.destination());
            ps.setString(5, event.message());
            ps.setString(6, toJson(event.evidence()));
            ps.executeUpdate();
        }
    }

    /**
     * @param c     a connection
     * @param from  exclusive start
     * @param to    inclusive end
     * @param kind  a kind, or null for all
     * @param limit most events returned, newest first
     * @return the events, newest first
     * @throws SQLException on a database error
     */
    static List<Event> query(Connection c, Instant from, Instant to, String kind, int limit) throws SQLException {
        String sql = "SELECT epoch_us(ts), kind, source, destination, message, evidence FROM events"
                + " WHERE ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT)"
                + (kind == null ? "" : " AND kind = ?") + " ORDER BY ts DESC, kind, destination LIMIT " + limit;
        List<Event> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, Times.micros(from));
            ps.setLong(2, Times.micros(to));
            if (kind != null) {
                ps.setString(3, kind);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Event(Times.instant(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), fromJson(rs.getString(6))));
                }
            }
        }
        return out;
    }

    /**
     * Writes evidence values (String, Number, Boolean) as one JSON object.
     *
     * @param g     a generator
     * @param name  the field name
     * @param values the evidence
     * @throws IOException from the generator
     */
    static void writeEvidence(JsonGenerator g, String name, Map<String, Object> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Object> e : new java.util.TreeMap<>(values).entrySet()) {
            Object v = e.getValue();
            if (v instanceof Long || v instanceof Integer) {
                g.writeNumberField(e.getKey(), ((Number) v).longValue());
            } else if (v instanceof Number n) {
                g.writeNumberField(e.getKey(), n.doubleValue());
            } else if (v instanceof Boolean b) {
                g.writeBooleanField(e.getKey(), b);
            } else {
                g.writeStringField(e.getKey(), String.valueOf(v));
            }
        }
        g.writeEndObject();
    }

    private static String toJson(Map<String, Object> evidence) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : evidence.entrySet()) {
                g.writeFieldName(e.getKey());
                Object v = e.getValue();
                if (v instanceof Long || v instanceof Integer) {
                    g.writeNumber(((Number) v).longValue());
                } else if (v instanceof Number n) {
                    g.writeNumber(n.doubleValue());
                } else {
                    g.writeString(String.valueOf(v));
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Map<String, Object> fromJson(String json) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return out;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                out.put(name, switch (t) {
                    case VALUE_NUMBER_INT -> p.getLongValue();
                    case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                    default -> p.getText();
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bad evidence in the events table: " + e.getMessage(), e);
        }
        return out;
    }
}
