package org.cartograph.config.internal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.StatusContributor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every 2 seconds, on its own thread, checks the {@code *.jar} files of the deploy folder that
 * are not installed as bundles and reports the invalid ones (component {@code deploy},
 * {@code DEGRADED}, one attribute per bad file). The folder is the one FileInstall watches,
 * read back from the launch property {@link ConfigComponent} set.
 */
@Component(service = StatusContributor.class, immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public final class DeployMonitor implements StatusContributor {

    private static final Logger LOG = LoggerFactory.getLogger(DeployMonitor.class);
    private static final long PERIOD_SECONDS = 2;

    private final BundleContext context;
    private final DeployFolderCheck check = new DeployFolderCheck(WarningSink.logTo(LOG));
    private final ScheduledExecutorService executor;
    /** The last scan failure logged, to log each distinct failure once; confined to the executor thread. */
    private String lastFailure;

    /**
     * Starts the periodic scan.
     *
     * @param context     for the installed bundles' locations and the deploy folder
     */
    @Activate
    public DeployMonitor(BundleContext context) {
        this.context = context;
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "cartograph-deploy-monitor");
            t.setDaemon(true);
            return t;
        });
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = ex;
        executor.scheduleWithFixedDelay(this::scanOnce, 0, PERIOD_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops the scan and waits briefly for a running one to end. */
    @Deactivate
    void deactivate() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the last scan's outcome; never blocks */
    @Override
    public List<ComponentStatus> status() {
        return List.of(check.status());
    }

    private void scanOnce() {
        try {
            Optional<Path> dir = ConfigWriter.deployDirectory(context::getProperty);
            if (dir.isEmpty()) {
                check.unconfigured();
            } else {
                List<String> locations = Arrays.stream(context.getBundles()).map(Bundle::getLocation).toList();
                check.scan(dir.get(), locations);
            }
            lastFailure = null;
        } catch (RuntimeException | LinkageError e) {
            String failure = e.toString();
            if (!failure.equals(lastFailure)) {
                LOG.warn("deploy folder scan failed: {}", failure, e);
                lastFailure = failure;
            }
        }
    }
}
