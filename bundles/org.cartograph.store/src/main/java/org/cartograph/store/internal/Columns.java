package org.cartograph.store.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The columns one statement reads: stored columns of the table ({@code src_ip}, {@code domain},
 * ...) and tag values. Tags are stored once per distinct tag set (table {@code tagsets}); a value
 * is extracted once per tag set, in a subquery joined on the set's id ({@code src_tags},
 * {@code dst_tags}), not once per row. The stored columns and tag-set ids referenced are the
 * query's <em>dimensions</em>: every group key and filter is a function of them, so a query can
 * first group the rows by these few (mostly integer) columns and evaluate keys and filters once per
 * distinct combination. Not thread-safe; one instance per statement.
 */
final class Columns {

    private final Map<String, String> src = new LinkedHashMap<>();
    private final Map<String, String> dst = new LinkedHashMap<>();
    private final Set<String> stored = new LinkedHashSet<>();

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

    /**
     * @param column a stored column of the table
     * @return the column, now one of the dimensions
     */
    String stored(String column) {
        stored.add(column);
        return column;
    }

    /** @return the stored columns and tag-set ids the expressions built so far depend on */
    List<String> dimensions() {
        List<String> dims = new ArrayList<>();
        if (!src.isEmpty()) {
            dims.add("src_tags");
        }
        if (!dst.isEmpty()) {
            dims.add("dst_tags");
        }
        dims.addAll(stored);
        return dims;
    }

    /** @return {@code flows} joined with the tag columns referenced so far */
    String from() {
        return "flows" + joins("flows");
    }

    /**
     * @param relation a relation holding {@code src_tags} / {@code dst_tags}
     * @return the joins that give the referenced tag columns for it
     */
    String joins(String relation) {
        return join("src", src, relation) + join("dst", dst, relation);
    }

    private static String join(String side, Map<String, String> m, String relation) {
        if (m.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" LEFT JOIN (SELECT id");
        m.forEach((name, column) -> sb.append(", vals[list_position(keys, '").append(name.replace("'", "''"))
                .append("')] AS ").append(column));
        return sb.append(" FROM tagsets) ").append(side).append("_t ON ").append(side).append("_t.id = ")
                .append(relation).append('.').append(side).append("_tags").toString();
    }
}
