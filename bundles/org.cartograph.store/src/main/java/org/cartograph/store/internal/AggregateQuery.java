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
        Tags tags = new Tags();
        List<String> keys = new ArrayList<>();
        for (String n : req.src()) {
            keys.add("coalesce(CAST(" + field(ds, "src", n, tags) + " AS VARCHAR), '')");
        }
        for (String n : req.dst()) {
            keys.add("coalesce(CAST(" + field(ds, "dst", n, tags) + " AS VARCHAR), '')");
        }
        StringBuilder where = new StringBuilder("ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT)");
        params.add(Times.micros(req.from()));
        params.add(Times.micros(req.to()));
        for (Filter f : req.filters()) {
            where.append(" AND ").append(condition(ds, f, params, tags));
        }
        String table = ds == Dataset.FLOWS ? tags.from() : "dns";
        String sort = Measures.sql(ds, req.sort(), prices);
        StringBuilder measures = new StringBuilder();
        for (int i = 0; i < req.measures().size(); i++) {
            measures.append(", ").append(Measures.sql(ds, req.measures().get(i), prices)).append(" AS m").append(i);
        }
        List<String> cols = new ArrayList<>();
        StringBuilder select = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            cols.add("k" + i);
            select.append(keys.get(i)).append(" AS k").append(i).append(", ");
        }
        if (cols.isEmpty()) {
            cols.add("k");
            select.append("0 AS k, ");
        }
        String k = String.join(", ", cols);
        StringBuilder on = new StringBuilder();
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            on.append(i == 0 ? "" : " AND ").append("base.k").append(i).append(" = top.k").append(i);
            list.append(i == 0 ? "" : ", ").append("top.k").append(i);
        }
        if (keys.isEmpty()) {
            on.append("base.k = top.k");
        }
        // One pass ranks the groups; a second aggregates the rows of each top group and of the rest
        // (grouped by the small integer rank, not by the key), so percentiles of "other" are exact.
        return "WITH base AS NOT MATERIALIZED (SELECT " + select + (ds == Dataset.FLOWS ? "flows.*" : "*") + " FROM "
                + table + " WHERE " + where + "),\n"
                + " grouped AS (SELECT " + k + ", " + sort + " AS s FROM base GROUP BY " + k + "),\n"
                + " top AS (SELECT " + k + ", row_number() OVER (ORDER BY s DESC NULLS LAST, " + k + ") AS r FROM grouped"
                + " ORDER BY s DESC NULLS LAST, " + k + " LIMIT " + req.limit() + "),\n"
                + " agg AS (SELECT top.r AS r, " + sort + " AS s" + measures + " FROM base LEFT JOIN top ON " + on
                + " GROUP BY top.r)\n"
                + "SELECT CASE WHEN agg.r IS NOT NULL THEN CAST([" + list + "] AS VARCHAR[]) END AS g,"
                + " CASE WHEN agg.r IS NULL THEN (SELECT count(*) FROM grouped) - (SELECT count(*) FROM top) ELSE 1 END"
                + " AS groups, agg.* EXCLUDE (r, s)\n FROM agg LEFT JOIN top ON agg.r = top.r"
                + " ORDER BY g IS NULL, agg.s DESC NULLS LAST, g";
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
    String field(Dataset ds, String side, String name, Tags tags) {
        if (ds == Dataset.DNS) {
            if (!DNS_FIELDS.contains(name)) {
                throw new IllegalArgumentException("DNS statistics have no field '" + name + "'; known: " + DNS_FIELDS);
            }
            return name;
        }
        return switch (name) {
            case "ip" -> side + "_ip";
            case "port" -> side + "_port";
            case "node" -> node(side, tags);
            case "protocol", "direction", "traffic_class" -> name;
            case "domain" -> side.equals("dst") ? "domain" : "NULL";
            default -> tags.ref(side, name);
        };
    }

    /**
     * The tag values one statement over {@code flows} needs. Tags are stored once per distinct tag
     * set (table {@code tagsets}); a value is extracted once per tag set, in a subquery joined on
     * the set's id, not once per row.
     */
    static final class Tags {
        private final Map<String, String> src = new LinkedHashMap<>();
        private final Map<String, String> dst = new LinkedHashMap<>();

        /**
         * @param side {@code src} or {@code dst}
         * @param name a tag
         * @return the SQL column of the tag's first value on that end, null if absent
         */
        String ref(String side, String name) {
            Map<String, String> m = side.equals("src") ? src : dst;
            String column = m.computeIfAbsent(name, n -> "t" + m.size());
            return side + "_t." + column;
        }

        /** @return {@code flows} joined with the tag columns referenced so far */
        String from() {
            return "flows" + join("src", src) + join("dst", dst);
        }

        private static String join(String side, Map<String, String> m) {
            if (m.isEmpty()) {
                return "";
            }
            StringBuilder sb = new StringBuilder(" LEFT JOIN (SELECT id");
            m.forEach((name, column) -> sb.append(", vals[list_position(keys, '").append(name.replace("'", "''"))
                    .append("')] AS ").append(column));
            return sb.append(" FROM tagsets) ").append(side).append("_t ON ").append(side).append("_t.id = flows.")
                    .append(side).append("_tags").toString();
        }
    }

    /**
     * @param side {@code src} or {@code dst}
     * @return the node name: the first node tag present, then (destination) the DNS name, then the address
     */
    String node(String side, Tags tags) {
        StringBuilder sb = new StringBuilder("coalesce(");
        for (String t : nodeTags) {
            sb.append(tags.ref(side, t)).append(", ");
        }
        if (side.equals("dst")) {
            sb.append("domain, dst_ip || ':' || dst_port)");
        } else {
            sb.append("src_ip)");
        }
        return sb.toString();
    }

    private String condition(Dataset ds, Filter f, List<Object> params, Tags tags) {
        String cond;
        if (f.side() != null || ds == Dataset.DNS || FLOW_FIELDS.contains(f.name())) {
            String side = f.side() == null ? "dst" : f.side();
            cond = match(field(ds, side, f.name(), tags), f, params);
        } else {
            cond = "(" + match(field(ds, "src", f.name(), tags), f, params) + " OR "
                    + match(field(ds, "dst", f.name(), tags), f, params) + ")";
        }
        return f.negated() ? "NOT coalesce(" + cond + ", false)" : "coalesce(" + cond + ", false)";
    }

    private static String match(String expr, Filter f, List<Object> params) {
        params.add(f.value());
        return f.prefix() ? "starts_with(CAST(" + expr + " AS VARCHAR), ?)" : "CAST(" + expr + " AS VARCHAR) = ?";
    }
}
