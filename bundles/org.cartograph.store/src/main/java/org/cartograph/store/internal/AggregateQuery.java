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
 * percentiles of {@code other} are exact, not merged). Rows are grouped by integers and stored
 * columns, never by text: see {@link #sql}. Names are checked against a strict pattern
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
     * Builds the statement. It reads the rows of the time range once when every measure merges
     * from partial values, else two or three times, and never groups them by text:
     * <ol>
     * <li>{@code d}: rows grouped by the query's dimensions ({@link Columns}: tag-set ids and the
     * stored columns the keys and filters use), with the sort measure's partial value when partial
     * values merge (sums, counts, maxima);</li>
     * <li>{@code kd}: per combination of dimensions, the filters and the group keys (tag values are
     * looked up here, once per combination) and an integer group id;</li>
     * <li>{@code grouped}/{@code top}: groups ranked by the sort measure, from the partial values
     * or, for a measure that does not merge (a percentile, a rate), from a pass over the rows
     * joined to their group id;</li>
     * <li>{@code agg}: the partial values merged per rank of their group (none for the rest), or,
     * when a measure does not merge, the rows joined on their dimensions to the rank of their group
     * and every measure aggregated per rank, so percentiles of {@code other} are exact.</li>
     * </ol>
     *
     * @param req    the request
     * @param params receives the bound parameters in order
     * @return the SQL statement
     */
    String sql(AggregateRequest req, List<Object> params) {
        Dataset ds = req.dataset();
        String table = ds == Dataset.FLOWS ? "flows" : "dns";
        Columns columns = new Columns();
        List<String> keys = new ArrayList<>();
        for (String n : req.src()) {
            keys.add("coalesce(CAST(" + field(ds, "src", n, columns) + " AS VARCHAR), '')");
        }
        for (String n : req.dst()) {
            keys.add("coalesce(CAST(" + field(ds, "dst", n, columns) + " AS VARCHAR), '')");
        }
        List<Object> filterParams = new ArrayList<>();
        StringBuilder where = new StringBuilder("true");
        for (Filter f : req.filters()) {
            where.append(" AND ").append(condition(ds, f, filterParams, columns));
        }
        List<String> dims = columns.dimensions();
        String time = "ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT)";
        String sort = Measures.sql(ds, req.sort(), prices);
        String merge = Measures.merge(ds, req.sort());
        List<String> k = new ArrayList<>();
        StringBuilder keySelect = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            k.add("k" + i);
            keySelect.append(", ").append(keys.get(i)).append(" AS k").append(i);
        }
        if (k.isEmpty()) {
            k.add("k");
            keySelect.append(", 0 AS k");
        }
        String kList = String.join(", ", k);
        StringBuilder dimSelect = new StringBuilder();
        StringBuilder on = new StringBuilder();
        for (int i = 0; i < dims.size(); i++) {
            dimSelect.append(dims.get(i)).append(" AS d").append(i).append(", ");
            on.append(i == 0 ? "" : " AND ").append(table).append('.').append(dims.get(i))
                    .append(" IS NOT DISTINCT FROM ids.d").append(i);
        }
        String onDims = " ids ON " + (dims.isEmpty() ? "true" : on);
        // every measure merges from partial values: one pass over the rows is enough
        boolean onePass = merge != null;
        StringBuilder partials = new StringBuilder();
        StringBuilder merged = new StringBuilder();
        for (int i = 0; i < req.measures().size(); i++) {
            String name = req.measures().get(i);
            String m = Measures.merge(ds, name);
            onePass &= m != null;
            partials.append(", ").append(Measures.sql(ds, name, prices)).append(" AS m").append(i);
            merged.append(", CAST(").append(m).append("(kd.m").append(i)
                    .append(Measures.isCount(name) ? ") AS BIGINT)" : ") AS DOUBLE)").append(" AS m").append(i);
        }
        StringBuilder sql = new StringBuilder("WITH d AS (SELECT ").append(String.join(", ", dims))
                .append(dims.isEmpty() ? "" : ", ").append("count(*) AS n")
                .append(merge == null ? "" : ", " + sort + " AS p").append(onePass ? partials : "").append(" FROM ").append(table)
                .append(" WHERE ").append(time).append(dims.isEmpty() ? "" : " GROUP BY " + String.join(", ", dims))
                .append("),\n kd0 AS (SELECT d.*").append(keySelect).append(" FROM d").append(columns.joins("d"))
                .append(" WHERE ").append(where).append("),\n kd AS MATERIALIZED (SELECT *, dense_rank() OVER (ORDER BY ")
                .append(kList).append(") AS gid FROM kd0),\n ids AS MATERIALIZED (SELECT ").append(dimSelect)
                .append("gid FROM kd),\n");
        params.add(Times.micros(req.from()));
        params.add(Times.micros(req.to()));
        params.addAll(filterParams);
        if (merge != null) {
            sql.append(" grouped AS MATERIALIZED (SELECT gid, ").append(kList).append(", ").append(merge)
                    .append("(p) AS s FROM kd GROUP BY gid, ").append(kList).append("),\n");
        } else {
            sql.append(" gs AS (SELECT ids.gid AS gid, ").append(sort).append(" AS s FROM ").append(table).append(" JOIN").append(onDims)
                    .append(" WHERE ").append(time).append(" GROUP BY ids.gid),\n")
                    .append(" grouped AS MATERIALIZED (SELECT gs.gid AS gid, ").append(kList)
                    .append(", gs.s AS s FROM gs JOIN (SELECT DISTINCT gid, ").append(kList)
                    .append(" FROM kd) kg ON gs.gid = kg.gid),\n");
            params.add(Times.micros(req.from()));
            params.add(Times.micros(req.to()));
        }
        StringBuilder measures = new StringBuilder();
        for (int i = 0; i < req.measures().size(); i++) {
            measures.append(", ").append(Measures.sql(ds, req.measures().get(i), prices)).append(" AS m").append(i);
        }
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            list.append(i == 0 ? "" : ", ").append("top.k").append(i);
        }
        sql.append(" top AS MATERIALIZED (SELECT gid, ").append(kList).append(", row_number() OVER (ORDER BY s DESC NULLS LAST, ")
                .append(kList).append(") AS r FROM grouped ORDER BY s DESC NULLS LAST, ").append(kList)
                .append(" LIMIT ").append(req.limit()).append("),\n");
        if (onePass) {
            sql.append(" agg AS (SELECT top.r AS r, ").append(merge).append("(kd.p) AS s").append(merged)
                    .append(" FROM kd LEFT JOIN top ON kd.gid = top.gid GROUP BY top.r)\n");
        } else {
            sql.append(" ranks AS (SELECT ids.*, top.r AS r FROM ids LEFT JOIN top ON ids.gid = top.gid),\n")
                    .append(" agg AS (SELECT ids.r AS r, ").append(sort).append(" AS s").append(measures).append(" FROM ")
                    .append(table).append(" JOIN ranks").append(onDims).append(" WHERE ").append(time)
                    .append(" GROUP BY ids.r)\n");
            params.add(Times.micros(req.from()));
            params.add(Times.micros(req.to()));
        }
        sql.append("SELECT CASE WHEN agg.r IS NOT NULL THEN CAST([").append(list).append("] AS VARCHAR[]) END AS g,")
                .append(" CASE WHEN agg.r IS NULL THEN (SELECT count(*) FROM grouped) - (SELECT count(*) FROM top) ELSE 1 END")
                .append(" AS groups, agg.* EXCLUDE (r, s)\n FROM agg LEFT JOIN top ON agg.r = top.r")
                .append(" ORDER BY g IS NULL, agg.s DESC NULLS LAST, g");
        return sql.toString();
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
     * @param ds      the dataset
     * @param side    {@code src} or {@code dst}
     * @param name    a tag or field
     * @param columns records the columns the expression reads
     * @return its SQL expression
     */
    String field(Dataset ds, String side, String name, Columns columns) {
        if (ds == Dataset.DNS) {
            if (!DNS_FIELDS.contains(name)) {
                throw new IllegalArgumentException("DNS statistics have no field '" + name + "'; known: " + DNS_FIELDS);
            }
            return columns.stored(name);
        }
        return switch (name) {
            case "ip" -> columns.stored(side + "_ip");
            case "port" -> columns.stored(side + "_port");
            case "node" -> node(side, columns);
            case "protocol", "direction", "traffic_class" -> columns.stored(name);
            case "domain" -> side.equals("dst") ? columns.stored("domain") : "NULL";
            default -> columns.ref(side, name);
        };
    }

    /**
     * @param side    {@code src} or {@code dst}
     * @param columns records the columns the expression reads
     * @return the node name: the first node tag present, then (destination) the DNS name, then the address
     */
    String node(String side, Columns columns) {
        StringBuilder sb = new StringBuilder("coalesce(");
        for (String t : nodeTags) {
            sb.append(columns.ref(side, t)).append(", ");
        }
        if (side.equals("dst")) {
            sb.append(columns.stored("domain")).append(", ").append(columns.stored("dst_ip")).append(" || ':' || ")
                    .append(columns.stored("dst_port")).append(')');
        } else {
            sb.append(columns.stored("src_ip")).append(')');
        }
        return sb.toString();
    }

    private String condition(Dataset ds, Filter f, List<Object> params, Columns columns) {
        String cond;
        if (f.side() != null || ds == Dataset.DNS || FLOW_FIELDS.contains(f.name())) {
            String side = f.side() == null ? "dst" : f.side();
            cond = match(field(ds, side, f.name(), columns), f, params);
        } else {
            cond = "(" + match(field(ds, "src", f.name(), columns), f, params) + " OR "
                    + match(field(ds, "dst", f.name(), columns), f, params) + ")";
        }
        return f.negated() ? "NOT coalesce(" + cond + ", false)" : "coalesce(" + cond + ", false)";
    }

    private static String match(String expr, Filter f, List<Object> params) {
        params.add(f.value());
        return f.prefix() ? "starts_with(CAST(" + expr + " AS VARCHAR), ?)" : "CAST(" + expr + " AS VARCHAR) = ?";
    }
}
