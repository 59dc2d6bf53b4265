package org.cartograph.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One aggregate query, as given to {@code GET /api/v1/aggregate} (flows) or {@code GET /api/v1/dns}.
 *
 * @param dataset  which table
 * @param from     start of the range (exclusive: a batch is counted by its end time)
 * @param to       end of the range (inclusive)
 * @param src      source group-by names (tags or fields); for DNS the group-by names
 * @param dst      destination group-by names (empty for DNS)
 * @param filters  conditions, all of which must hold
 * @param measures measure names, the first is the default sort
 * @param sort     the measure rows are ranked by (descending)
 * @param limit    groups returned before the rest is summed up as {@code other}
 */
record AggregateRequest(Dataset dataset, Instant from, Instant to, List<String> src, List<String> dst,
                        List<Filter> filters, List<String> measures, String sort, int limit) {

    /** The largest {@code limit} accepted. */
    static final int MAX_LIMIT = 10_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");

    /** The table a query reads. */
    enum Dataset {
        /** Connections. */
        FLOWS,
        /** DNS statistics. */
        DNS
    }

    /**
     * One condition: {@code [-][src.|dst.]name:value}, the value ending in {@code *} for a prefix.
     *
     * @param side    {@code src}, {@code dst}, or null for either side / a flow field
     * @param name    the tag or field
     * @param value   the value (without the trailing {@code *})
     * @param prefix  whether the value is a prefix
     * @param negated whether the condition is negated
     */
    record Filter(String side, String name, String value, boolean prefix, boolean negated) {
    }

    AggregateRequest {
        src = List.copyOf(src);
        dst = List.copyOf(dst);
        filters = List.copyOf(filters);
        measures = List.copyOf(measures);
    }

    /**
     * @param param   the request's parameters by name (first value), null when absent
     * @param dataset which table
     * @param now     the current time
     * @return the request
     * @throws IllegalArgumentException naming the parameter for a bad value
     */
    static AggregateRequest parse(Function<String, String> param, Dataset dataset, Instant now) {
        Instant to = Times.parse(param.apply("to"), now, now);
        Instant from = Times.parse(param.apply("from"), now, to.minus(Duration.ofHours(1)));
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to, got " + from + " and " + to);
        }
        List<String> src = names(param.apply(dataset == Dataset.DNS ? "by" : "src"), "src");
        List<String> dst = dataset == Dataset.DNS ? List.of() : names(param.apply("dst"), "dst");
        List<String> measures = names(param.apply("measures"), "measures");
        if (measures.isEmpty()) {
            measures = dataset == Dataset.DNS ? List.of("queries", "errors", "latency_avg_us")
                    : List.of("bytes", "packets", "retransmits", "rtt_p50_us", "failures");
        }
        String sort = param.apply("sort");
        sort = sort == null || sort.isBlank() ? measures.get(0) : sort.strip();
        if (!measures.contains(sort)) {
            throw new IllegalArgumentException("sort: '" + sort + "' is not one of the measures " + measures);
        }
        int limit = 20;
        String l = param.apply("limit");
        if (l != null && !l.isBlank()) {
            try {
                limit = Integer.parseInt(l.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit: expected a number, got '" + l + "'", e);
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit: expected 1.." + MAX_LIMIT + ", got " + limit);
            }
        }
        return new AggregateRequest(dataset, from, to, src, dst, filters(param.apply("filter")), measures, sort, limit);
    }

    private static List<String> names(String csv, String what) {
        List<String> out = new ArrayList<>();
        if (csv == null) {
            return out;
        }
        for (String part : csv.split(",")) {
            String n = part.strip();
            if (n.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(n).matches()) {
                throw new IllegalArgumentException(what + ": not a tag or field name: '" + n + "'");
            }
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * @param text comma-separated conditions, may be null
     * @return the conditions
     */
    static List<Filter> filters(String text) {
        List<Filter> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String part : text.split(",")) {
            String t = part.strip();
            if (t.isEmpty()) {
                continue;
            }
            boolean negated = t.startsWith("-") || t.startsWith("!");
            if (negated) {
                t = t.substring(1);
            }
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("filter: expected [-][src.|dst.]name:value, got '" + part.strip() + "'");
            }
            String name = t.substring(0, colon);
            String value = t.substring(colon + 1);
            String side = null;
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("src.") || lower.startsWith("dst.")) {
                side = lower.substring(0, 3);
                name = name.substring(4);
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("filter: not a tag or field name: '" + name + "'");
            }
            boolean prefix = value.endsWith("*");
            out.add(new Filter(side, name, prefix ? value.substring(0, value.length() - 1) : value, prefix, negated));
        }
        return out;
    }
}
