package org.cartograph.config.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One known configuration key: where it is read from (a dotted YAML path and environment
 * variables) and where it goes (ConfigAdmin PID and property). Immutable; the {@code with...}
 * methods return changed copies, so {@link KeyCatalog} reads as a table.
 *
 * @param path        the dotted YAML path, e.g. {@code system_probe_config.enabled}
 * @param environment the environment variables, the first one set wins
 * @param targets     where the value is written; at least one
 * @param type        how the value is checked and converted
 * @param description what the key does, one line
 * @param secret      true if the value must never appear in a log line or a message
 * @param fallback    the text of the value written when the key is set nowhere, or null to write
 *                    nothing (the reading component's annotation default applies); only for
 *                    third-party PIDs whose own default is not the one Cartograph wants
 */
record ConfigKey(String path, List<String> environment, List<Target> targets, ValueType type, String description,
                 boolean secret, String fallback) {

    /**
     * A ConfigAdmin property the value is written to.
     *
     * @param pid      the configuration PID (for FileInstall, its factory PID)
     * @param property the property name
     */
    record Target(String pid, String property) {
        /** Checks that both parts are present. */
        Target {
            Objects.requireNonNull(pid, "pid");
            Objects.requireNonNull(property, "property");
        }
    }

    /** Checks required parts and copies the lists. */
    ConfigKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        environment = List.copyOf(environment);
        targets = List.copyOf(targets);
        description = description == null ? "" : description;
        if (targets.isEmpty()) {
            throw new IllegalArgumentException(path + ": no target");
        }
    }

    /**
     * @return a key with the environment variable derived from its path
     *         ({@link KeyCatalog#environmentName(String)}) and a single target
     */
    static ConfigKey of(String path, ValueType type, String pid, String property, String description) {
        return new ConfigKey(path, List.of(KeyCatalog.environmentName(path)), List.of(new Target(pid, property)),
                type, description, false, null);
    }

    /** @return a copy also read from the environment variable {@code name} (after the others) */
    ConfigKey withAlias(String name) {
        List<String> names = new ArrayList<>(environment);
        names.add(name);
        return new ConfigKey(path, names, targets, type, description, secret, fallback);
    }

    /** @return a copy also written to {@code pid}/{@code property} */
    ConfigKey withTarget(String pid, String property) {
        List<Target> all = new ArrayList<>(targets);
        all.add(new Target(pid, property));
        return new ConfigKey(path, environment, all, type, description, secret, fallback);
    }

    /** @return a copy whose value is never logged or shown */
    ConfigKey withSecret() {
        return new ConfigKey(path, environment, targets, type, description, true, fallback);
    }

    /** @return a copy that writes {@code text} (checked like any value) when the key is set nowhere */
    ConfigKey withFallback(String text) {
        return new ConfigKey(path, environment, targets, type, description, secret, text);
    }
}
