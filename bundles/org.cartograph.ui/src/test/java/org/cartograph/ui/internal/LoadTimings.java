package org.cartograph.ui.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The phases of one load of the map page, in milliseconds, read from the browser's own Navigation
 * and Resource Timing, the page's User Timing marks ({@code cartograph:*}, set by app.js), the Long
 * Animation Frame entries that say how long V8 compiled and ran Cytoscape.js, and the server's time
 * for the query. Times are from navigation start unless the label says "duration" or "bytes".
 *
 * @param values phase label → value, in {@link #PHASES} order; absent when the browser did not report it
 */
record LoadTimings(Map<String, Double> values) {

    /** The script that reads every entry: resolves to a JSON object, after the buffered LoAF entries arrived. */
    static final String COLLECT = """
            const nav = performance.getEntriesByType('navigation')[0];
            const res = {};
            for (const r of performance.getEntriesByType('resource')) {
              const key = r.name.includes('/api/v1/aggregate') ? 'query' : r.name.includes('cytoscape') ? 'cytoscape.js'
                : r.name.replace(/^.*\\/static\\//, '').replace(/\\?.*$/, '');
              res[key] = { start: r.startTime, end: r.responseEnd, transfer: r.transferSize, decoded: r.decodedBodySize };
            }
            const marks = {};
            for (const m of performance.getEntriesByType('mark')) {
              if (m.name.startsWith('cartograph:')) marks[m.name.substring(11)] = m.startTime;
            }
            return new Promise((resolve) => {
              const scripts = [];
              const o = new PerformanceObserver((list) => list.getEntries().forEach((f) => f.scripts.forEach((s) => scripts.push(
                { url: s.sourceURL, type: s.invokerType, start: s.startTime, exec: s.executionStart, end: s.startTime + s.duration }))));
              o.observe({ type: 'long-animation-frame', buffered: true });
              setTimeout(() => {
                o.disconnect();
                resolve({ nav: { first: nav.responseStart, html: nav.responseEnd, dcl: nav.domContentLoadedEventStart },
                  res, marks, scripts });
              }, 200);
            });
            """;

    /** The phases, in the order they happen. */
    static final List<String> PHASES = List.of(
            "HTML: first byte", "HTML: received", "style.css received", "app.js received",
            "cytoscape.js received", "cytoscape.js bytes on the wire", "cytoscape.js compile (duration)",
            "cytoscape.js evaluated", "app.js runs", "DOMContentLoaded", "query sent", "query: server time (duration)",
            "query answered", "query bytes on the wire", "data parsed", "elements built",
            "Cytoscape.js ready", "Cytoscape.js built and laid out", "first frame drawn");

    /**
     * @param page         what {@link #COLLECT} returned
     * @param serverMillis the query servlet's time for the page's aggregate query, or NaN
     * @return the phases
     */
    static LoadTimings of(JsonNode page, double serverMillis) {
        Map<String, Double> v = new LinkedHashMap<>();
        JsonNode nav = page.path("nav");
        JsonNode res = page.path("res");
        JsonNode marks = page.path("marks");
        v.put("HTML: first byte", nav.path("first").asDouble());
        v.put("HTML: received", nav.path("html").asDouble());
        put(v, "style.css received", res.path("style.css").path("end"));
        put(v, "app.js received", res.path("app.js").path("end"));
        put(v, "cytoscape.js received", res.path("cytoscape.js").path("end"));
        put(v, "cytoscape.js bytes on the wire", res.path("cytoscape.js").path("transfer"));
        for (JsonNode s : page.path("scripts")) {
            if (s.path("url").asText().contains("cytoscape") && s.path("type").asText().equals("classic-script")) {
                v.put("cytoscape.js compile (duration)", s.path("exec").asDouble() - s.path("start").asDouble());
                v.put("cytoscape.js evaluated", s.path("end").asDouble());
            }
        }
        put(v, "app.js runs", marks.path("app"));
        v.put("DOMContentLoaded", nav.path("dcl").asDouble());
        put(v, "query sent", marks.path("query"));
        if (!Double.isNaN(serverMillis)) {
            v.put("query: server time (duration)", serverMillis);
        }
        put(v, "query answered", res.path("query").path("end"));
        put(v, "query bytes on the wire", res.path("query").path("transfer"));
        put(v, "data parsed", marks.path("data"));
        put(v, "elements built", marks.path("built"));
        put(v, "Cytoscape.js ready", marks.path("cytoscape"));
        put(v, "Cytoscape.js built and laid out", marks.path("laid-out"));
        put(v, "first frame drawn", marks.path("drawn"));
        return new LoadTimings(v);
    }

    private static void put(Map<String, Double> v, String phase, JsonNode value) {
        if (value.isNumber()) {
            v.put(phase, value.asDouble());
        }
    }

    /** @return the first frame, ms from navigation start */
    double firstFrame() {
        return values.getOrDefault("first frame drawn", Double.NaN);
    }

    /**
     * @param loads loads of one kind
     * @return per phase, the median over the loads that reported it
     */
    static LoadTimings median(List<LoadTimings> loads) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (String phase : PHASES) {
            List<Double> seen = new ArrayList<>();
            loads.forEach(l -> {
                Double x = l.values.get(phase);
                if (x != null) {
                    seen.add(x);
                }
            });
            if (!seen.isEmpty()) {
                seen.sort(null);
                int n = seen.size();
                v.put(phase, n % 2 == 1 ? seen.get(n / 2) : (seen.get(n / 2 - 1) + seen.get(n / 2)) / 2);
            }
        }
        return new LoadTimings(v);
    }

    /**
     * @param columns column title → timings
     * @return a Markdown table, one row per phase, "–" where a load did not report it
     */
    static String table(Map<String, LoadTimings> columns) {
        StringBuilder out = new StringBuilder("| phase (ms from navigation start) |");
        columns.keySet().forEach(c -> out.append(' ').append(c).append(" |"));
        out.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
        Function<Double, String> fmt = x -> x == null ? "–" : String.format("%,.0f", x);
        for (String phase : PHASES) {
            out.append("| ").append(phase).append(" |");
            columns.values().forEach(t -> out.append(' ').append(fmt.apply(t.values.get(phase))).append(" |"));
            out.append('\n');
        }
        return out.toString();
    }
}
