package org.cartograph.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Estimated price in US dollars per GB (10^9 bytes) by traffic class label, read from a
 * properties file ({@code class=price}). The defaults ship in the bundle as
 * {@code traffic-prices.properties}, with their sources. Immutable.
 *
 * @param perGb price per GB by class label; unmodifiable
 */
record PriceTable(Map<String, Double> perGb) {

    /** The bundled defaults' resource name. */
    static final String DEFAULTS = "traffic-prices.properties";

    PriceTable {
        perGb = Collections.unmodifiableMap(new TreeMap<>(perGb));
    }

    /** @return the bundled defaults */
    static PriceTable defaults() {
        try (InputStream in = PriceTable.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("the bundled " + DEFAULTS + " is missing");
            }
            return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), DEFAULTS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled " + DEFAULTS, e);
        }
    }

    /**
     * @param file a properties file, or null or blank for the defaults
     * @return the defaults overridden by the file's entries
     * @throws IllegalArgumentException naming the file and key for an unreadable file or a bad price
     */
    static PriceTable load(String file) {
        PriceTable base = defaults();
        if (file == null || file.isBlank()) {
            return base;
        }
        Path path = Path.of(file.strip());
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            Map<String, Double> merged = new TreeMap<>(base.perGb);
            merged.putAll(parse(in, path.toString()).perGb);
            return new PriceTable(merged);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the price table " + path + ": " + e.getMessage(), e);
        }
    }

    private static PriceTable parse(Reader in, String origin) throws IOException {
        Properties p = new Properties();
        p.load(in);
        Map<String, Double> prices = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String value = p.getProperty(key).strip();
            double price;
            try {
                price = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(origin + ": " + key + ": expected a price in USD per GB, got '"
                        + value + "'", e);
            }
            if (price < 0 || Double.isNaN(price) || Double.isInfinite(price)) {
                throw new IllegalArgumentException(origin + ": " + key + ": a price cannot be " + value);
            }
            prices.put(key.strip().toLowerCase(Locale.ROOT), price);
        }
        return new PriceTable(prices);
    }

    /**
     * @param label a traffic class label
     * @return its price per GB, 0 if the table does not list it
     */
    double price(String label) {
        return perGb.getOrDefault(label, 0.0);
    }
}
