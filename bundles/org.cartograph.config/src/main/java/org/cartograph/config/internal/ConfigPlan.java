package org.cartograph.config.internal;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A checked configuration, ready to be written. Immutable.
 *
 * @param configurations      properties per PID, only for PIDs with at least one key set
 * @param managedPids         every PID the catalog writes to (a PID without properties has its
 *                            stale configuration removed)
 * @param fileInstall         the properties of FileInstall's {@code cartograph-deploy} configuration
 * @param deployDir           the deploy folder, absolute
 * @param source              the file read, or {@code embedded defaults}
 * @param keys                how many keys are set
 * @param keysFromEnvironment how many of them come from the environment
 */
record ConfigPlan(Map<String, Map<String, Object>> configurations, Set<String> managedPids,
                  Map<String, Object> fileInstall, Path deployDir, String source, int keys, int keysFromEnvironment) {

    /** Copies the maps, keeping their order. */
    ConfigPlan {
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        configurations.forEach((pid, props) -> copy.put(pid, Collections.unmodifiableMap(new LinkedHashMap<>(props))));
        configurations = Collections.unmodifiableMap(copy);
        managedPids = Collections.unmodifiableSet(new LinkedHashSet<>(managedPids));
        fileInstall = Collections.unmodifiableMap(new LinkedHashMap<>(fileInstall));
        Objects.requireNonNull(deployDir, "deployDir");
        Objects.requireNonNull(source, "source");
    }
}
