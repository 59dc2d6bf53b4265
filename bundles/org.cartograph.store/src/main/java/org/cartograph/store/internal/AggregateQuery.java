package org.cartograph.store.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.store.internal.AggregateRequest.Dataset;
import org.cartograph.store.internal.AggregateRequest.Filter;

/**
 * Turns an {@link AggregateRequest} into one SQL statement and runs it: the top {@code limit}
 * groups by the sort measure, then one {@code other} row aggregating every remaining row (so
 * percentiles of {@code other} are exact, not merged). Names are checked against a strict pattern
 * and quoted; values are bound as parameters. Thread-safe: each call uses the connection it is given.
 */
final class AggregateQuery {

    /** Flow columns that belong to the flow, not to one end. */
    private static final Set<String> FLOW_FIELDS = Set.of("protocol", "direction", "traffic_class", "domain");
    private static final Set<String> DNS_FIELDS = Set.of("domain", "server", "client", "query_type", "host");

    /**
     * One result row.
     *
     * @param src    source group values by name (for DNS: the group values)
     * @param dst    destination group values by name
     * @param other  whether this row sums up every group beyond the limit
     * @param groups how many groups the row stands for
     * @param values measure values by name (Long or Double, null when undefined)
     */
    record Row(Map<String, String> src, Map<String, String> dst, boolean other, long groups,
               Map<String, Object> values) {
    }

    private final List<String> nodeTags;
    private final PriceTable prices;

    /**
     * @param nodeTags tags naming a map node (field {@code node}), first present wins
     * @param prices   prices for the {@code cost} measure
     */
    AggregateQuery(List<String> nodeTags, PriceTable prices) {
        this.nodeTags = List.copyOf(nodeTags);
        this.prices = prices;
    }

    /**
     * @param c   a connection, used on the caller's thread
     * @param req the request
     * @return the rows, top groups first (by the sort measure, descending), then {@code other} if any
     * @throws SQLException on a database error
     * @throws IllegalArgumentException for an unknown measure
     */
    List<Row> run(Connection c, AggregateRequest req) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = sql(req, params);
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs, req));
                }
            }
        }
        return rows;
    }

    /**
     * @param req    the request
     * @param params receives the bound parameters in order
     * @return the SQL statement
     */
    String sql(AggregateRequest req, List<Object> params) {
        Dataset ds = req.dataset();
        List<String> keys = new ArrayList<>();
        for (String n : req.src()) {
            keys.add("coalesce(CAST(" + field(ds, "src", n) + " AS VARCHAR), '')");
        }
        for (String n : req.dst()) {
            keys.add("coalesce(CAST(" + field(ds, "dst", n) + " AS VARCHAR), '')");
        }
        String table = ds == Dataset.FLOWS ? "flows" : "dns";
        StringBuilder where = new StringBuilder("ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT)");
        params.add(Times.micros(req.from()));
        params.add(Times.micros(req.to()));
        for (Filter f : req.filters()) {
            where.append(" AND ").append(condition(ds, f, params));
        }
        String sort = Measures.sql(ds, req.sort(), prices);
        StringBuilder measures = new StringBuilder();
        for (int i = 0; i < req.measures().size(); i++) {
            measures.append(", ").append(Measures.sql(ds, req.measures().get(i), prices)).append(" AS m").append(i);
        }
        return "WITH base AS (SELECT CAST([" + String.join(", ", keys) + "] AS VARCHAR[]) AS gk, * FROM " + table
                + " WHERE " + where + "),\n top AS (SELECT gk FROM base GROUP BY gk ORDER BY " + sort
                + " DESC NULLS LAST, gk LIMIT " + req.limit() + ")\n"
                + "SELECT CASE WHEN gk IN (SELECT gk FROM top) THEN gk END AS g, count(DISTINCT gk) AS groups"
                + measures + "\n FROM base GROUP BY g ORDER BY g IS NULL, " + sort + " DESC NULLS LAST, g";
    }

    private Row row(ResultSet rs, AggregateRequest req) throws SQLException {
        Array array = rs.getArray(1);
        Object[] key = array == null ? null : (Object[]) array.getArray();
        Map<String, String> src = new LinkedHashMap<>();
        Map<String, String> dst = new LinkedHashMap<>();
        int i = 0;
        for (String n : req.src()) {
            src.put(n, key == null ? null : String.valueOf(key[i]));
            i++;
        }
        for (String n : req.dst()) {
            dst.put(n, key == null ? null : String.valueOf(key[i]));
            i++;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int m = 0; m < req.measures().size(); m++) {
            String name = req.measures().get(m);
            Object v = rs.getObject(3 + m);
            if (v instanceof Number n) {
                v = Measures.isCount(name) ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            values.put(name, v);
        }
        return new Row(src, dst, key == null, rs.getLong(2), values);
    }

    /**
     * @param ds   the dataset
     * @param side {@code src} or {@code dst}
     * @param name a tag or field
     * @return its SQL expression
     */
    String field(Dataset ds, String side, String name) {
        if (ds == Dataset.DNS) {
            if (!DNS_FIELDS.contains(name)) {
                throw new IllegalArgumentException("DNS statistics have no field '" + name + "'; known: " + DNS_FIELDS);
            }
            return name;
        }
        return switch (name) {
            case "ip" -> side + "_ip";
            case "port" -> side + "_port";
            case "node" -> node(side);
            case "protocol", "direction", "traffic_class" -> name;
            case "domain" -> side.equals("dst") ? "domain" : "NULL";
            default -> tag(side, name);
        };
    }

    private static String tag(String side, String name) {
        return side + "_vals[list_position(" + side + "_keys, '" + name.replace("'", "''") + "')]";
    }

    /**
     * @param side {@code src} or {@code dst}
     * @return the node name: the first node tag present, then (destination) the DNS name, then the address
     */
    String node(String side) {
        StringBuilder sb = new StringBuilder("coalesce(");
        for (String t : nodeTags) {
            sb.append(tag(side, t)).append(", ");
        }
        if (side.equals("dst")) {
            sb.append("domain, dst_ip || ':' || dst_port)");
        } else {
            sb.append("src_ip)");
        }
        return sb.toString();
    }

    private String condition(Dataset ds, Filter f, List<Object> params) {
        String cond;
        if (f.side() != null || ds == Dataset.DNS || FLOW_FIELDS.contains(f.name())) {
            String side = f.side() == null ? "dst" : f.side();
            cond = match(field(ds, side, f.name()), f, params);
        } else {
            cond = "(" + match(field(ds, "src", f.name()), f, params) + " OR "
                    + match(field(ds, "dst", f.name()), f, params) + ")";
        }
        return f.negated() ? "NOT coalesce(" + cond + ", false)" : "coalesce(" + cond + ", false)";
    }

    private static String match(String expr, Filter f, List<Object> params) {
        params.add(f.value());
        return f.prefix() ? "starts_with(CAST(" + expr + " AS VARCHAR), ?)" : "CAST(" + expr + " AS VARCHAR) = ?";
    }
}
