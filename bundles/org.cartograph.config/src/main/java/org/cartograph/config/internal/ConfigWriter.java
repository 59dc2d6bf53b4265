package org.cartograph.config.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link ConfigPlan}: one ConfigurationAdmin configuration per PID holding exactly the
 * keys set; and the launch properties that must be in place before the bundles reading them start
 * (the HTTP host and port, FileInstall's deploy folder), as JVM system properties, which the
 * framework falls back to for {@code BundleContext.getProperty}. The runtime starts this bundle at
 * an earlier start level than Jetty and FileInstall, so Jetty never binds to its own default
 * (all interfaces, port 8080) and FileInstall watches only the configured folder. Calls
 * ConfigurationAdmin, which does I/O: not for the hot path.
 */
final class ConfigWriter {

    /** Any bundle may receive these configurations. */
    static final String ANY_LOCATION = "?";
    /** Set by FileInstall on configurations it made from a {@code .cfg} file: those are left alone. */
    private static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWriter.class);

    private final ConfigurationAdmin configAdmin;
    private final BiConsumer<String, String> launchProperties;

    /**
     * @param configAdmin      where configurations are written
     * @param launchProperties sets a launch property ({@code System::setProperty} at run time)
     */
    ConfigWriter(ConfigurationAdmin configAdmin, BiConsumer<String, String> launchProperties) {
        this.configAdmin = configAdmin;
        this.launchProperties = launchProperties;
    }

    /**
     * Creates the deploy folder if missing, writes each PID's properties (only if they differ from
     * the stored ones, so components are not restarted needlessly), removes a stored
     * configuration of a managed PID that now has no key set (so annotation defaults apply
     * again), and writes the FileInstall configuration last.
     *
     * @param plan a checked plan
     * @return how many configurations were changed
     * @throws IOException if the folder cannot be created or ConfigurationAdmin fails
     */
    int apply(ConfigPlan plan) throws IOException {
        Files.createDirectories(plan.deployDir());
        int changed = 0;
        Map<String, Object> http = plan.configurations().getOrDefault(KeyCatalog.HTTP, Map.of());
        http.forEach((k, v) -> launchProperties.accept(k, String.valueOf(v)));
        plan.fileInstall().forEach((k, v) -> launchProperties.accept(k, String.valueOf(v)));
        for (String pid : plan.managedPids()) {
            if (pid.equals(KeyCatalog.HTTP)) {
                continue;
            }
            Map<String, Object> props = plan.configurations().get(pid);
            if (props != null) {
                changed += configAdmin.getConfiguration(pid, ANY_LOCATION).updateIfDifferent(dictionary(props)) ? 1 : 0;
            } else {
                changed += removeStale(pid);
            }
        }
        return changed;
    }

    private int removeStale(String pid) throws IOException {
        Configuration[] stored;
        try {
            stored = configAdmin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("bad filter for PID " + pid, e);
        }
        int removed = 0;
        for (Configuration c : stored == null ? new Configuration[0] : stored) {
            Dictionary<String, Object> props = c.getProperties();
            if (props == null || props.get(FILEINSTALL_FILENAME) == null) {
                LOG.debug("removing configuration {}: no key sets it any more", pid);
                c.delete();
                removed++;
            }
        }
        return removed;
    }

    /**
     * Reads the deploy folder back from the launch property FileInstall watches.
     *
     * @param launchProperty reads a launch property
     * @return the folder, or empty if it was not set (yet, or the configuration is invalid)
     */
    static Optional<Path> deployDirectory(Function<String, String> launchProperty) {
        String dir = launchProperty.apply(KeyCatalog.DEPLOY_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(dir));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static Dictionary<String, Object> dictionary(Map<String, Object> props) {
        return new Hashtable<>(props);
    }
}
