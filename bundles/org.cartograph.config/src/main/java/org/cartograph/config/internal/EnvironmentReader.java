package org.cartograph.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the known keys from environment variables and warns about unknown {@code CARTOGRAPH_*}
 * and {@code DD_SYSTEM_PROBE_*} variables (other variables, {@code DD_API_KEY} included, are
 * none of its business). An empty variable counts as unset, as in the Datadog agent.
 */
final class EnvironmentReader {

    private EnvironmentReader() {
    }

    /**
     * @param catalog     the known keys
     * @param environment the variables, e.g. {@code System.getenv()}
     * @param warnings    receives warnings, which name variables but never show values
     * @return one raw value per key set, in catalog order
     */
    static List<RawValue> read(KeyCatalog catalog, Map<String, String> environment, WarningSink warnings) {
        List<RawValue> values = new ArrayList<>();
        for (ConfigKey key : catalog.keys()) {
            String chosen = null;
            for (String name : key.environment()) {
                String value = environment.get(name);
                if (value == null || value.isEmpty()) {
                    continue;
                }
                if (chosen == null) {
                    chosen = name;
                    values.add(RawValue.environment(key, value, name));
                } else if (!value.equals(environment.get(chosen))) {
                    warnings.warn("environment variables " + chosen + " and " + name + " both set "
                            + key.path() + " to different values; using " + chosen);
                }
            }
        }
        environment.keySet().stream()
                .filter(catalog::isUnknownReserved)
                .sorted()
                .forEach(name -> warnings.warn("unknown environment variable " + name + " ignored"));
        return values;
    }
}
