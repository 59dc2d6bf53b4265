package org.cartograph.config.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the configuration once, on activation: reads the file named by the framework property
 * {@code cartograph.config} and the environment, checks everything, and writes the
 * ConfigurationAdmin configurations, or nothing at all if anything is wrong. An invalid
 * configuration is reported as {@link Health#DOWN} (component {@code config}), or, with
 * {@code cartograph.config.failfast=true}, ends the JVM with status 78. Has no configuration of its
 * own: it is what reads the file.
 */
@Component(service = StatusContributor.class, immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class ConfigComponent implements StatusContributor {

    /** The component name in {@link ComponentStatus}. */
    static final String COMPONENT = "config";
    static final String CONFIG_FILE_PROPERTY = "cartograph.config";
    static final String FAILFAST_PROPERTY = "cartograph.config.failfast";

    private static final Logger LOG = LoggerFactory.getLogger(ConfigComponent.class);

    private final ComponentStatus status;

    /**
     * Loads and applies the configuration, on the SCR thread (a file read and a few
     * ConfigurationAdmin calls).
     *
     * @param context     for the framework properties
     * @param configAdmin where the configurations are written
     */
    @Activate
    public ConfigComponent(BundleContext context, @Reference ConfigurationAdmin configAdmin) {
        this(configAdmin, context::getProperty, System.getenv(), Path.of("").toAbsolutePath(),
                WarningSink.logTo(LOG), FailFast.exitJvm(System.err), System::setProperty);
    }

    /**
     * @param configAdmin       where the configurations are written
     * @param frameworkProperty reads a framework property, null if unset
     * @param environment       the environment variables
     * @param workingDir        relative paths are resolved against it
     * @param warnings          receives warnings
     * @param failFast          called with the message if the configuration is invalid and
     *                          {@code cartograph.config.failfast} is true
     * @param launchProperties  sets the launch properties Jetty and FileInstall read when they start
     */
    ConfigComponent(ConfigurationAdmin configAdmin, Function<String, String> frameworkProperty,
                    Map<String, String> environment, Path workingDir, WarningSink warnings, FailFast failFast,
                    BiConsumer<String, String> launchProperties) {
        ConfigLoader loader = new ConfigLoader(KeyCatalog.standard(), environment, workingDir, warnings);
        LoadResult result = loader.load(frameworkProperty.apply(CONFIG_FILE_PROPERTY),
                frameworkProperty.apply(ConfigLoader.HOME_PROPERTY));
        if (result.plan().isEmpty()) {
            String message = result.message();
            LOG.error("{}", message);
            status = status(Health.DOWN, message, result, 0, null);
            if (Boolean.parseBoolean(frameworkProperty.apply(FAILFAST_PROPERTY))) {
                failFast.stop(message);
            }
            return;
        }
        ConfigPlan plan = result.plan().get();
        ComponentStatus outcome;
        try {
            int changed = new ConfigWriter(configAdmin, launchProperties).apply(plan);
            LOG.info("configuration applied from {}: {} keys ({} from environment), {} configurations changed",
                    plan.source(), plan.keys(), plan.keysFromEnvironment(), changed);
            String message = "applied from " + plan.source() + ": " + plan.keys() + " keys"
                    + (result.warnings() == 0 ? "" : ", " + result.warnings() + " warnings (see the log)");
            outcome = status(Health.OK, message, result, plan.keys(), plan);
        } catch (IOException | RuntimeException e) {
            String message = "could not write the configuration from " + plan.source() + ": " + e;
            LOG.error("{}", message, e);
            outcome = status(Health.DOWN, message, result, 0, plan);
        }
        status = outcome;
    }

    /** @return the load outcome; computed once on activation, so it never blocks */
    @Override
    public List<ComponentStatus> status() {
        return List.of(status);
    }

    private static ComponentStatus status(Health health, String message, LoadResult result, int applied,
                                          ConfigPlan plan) {
        Map<String, Long> counters = Map.of(
                "keys.applied", (long) applied,
                "keys.from.environment", plan == null || applied == 0 ? 0L : plan.keysFromEnvironment(),
                "warnings", (long) result.warnings(),
                "errors", (long) result.problems().size());
        Map<String, String> attributes = plan == null
                ? Map.of("file", result.source())
                : Map.of("file", result.source(), "deploy.dir", plan.deployDir().toString());
        return new ComponentStatus(COMPONENT, health, message, counters, attributes, Instant.now());
    }
}
