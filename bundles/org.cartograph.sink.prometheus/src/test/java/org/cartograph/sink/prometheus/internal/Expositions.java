package org.cartograph.sink.prometheus.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads values out of a Prometheus text exposition in tests. */
final class Expositions {

    private Expositions() {
    }

    /** @return the text format of the sink's metrics plus the given health contributors' gauges */
    static String text(PrometheusSink sink, HealthMetrics health) {
        Exposition.Rendered r = new Exposition().render(null, Exposition.merge(sink.scrape(),
                health == null ? List.of() : health.collect()));
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /**
     * @param text   an exposition
     * @param metric the sample name, e.g. {@code cartograph_network_sent_bytes_total}
     * @param labels {@code name="value"} pairs the sample must carry
     * @return the sample's value, or NaN if no sample matches
     */
    static double value(String text, String metric, String... labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= line.contains(l);
            }
            if (all) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }
}
