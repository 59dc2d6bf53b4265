package org.cartograph.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigComponentTest {

    @TempDir
    Path dir;

    private final FakeConfigAdmin configAdmin = new FakeConfigAdmin();
    private final Map<String, String> frameworkProperties = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> failFastMessages = new ArrayList<>();
    private final Map<String, String> launchProperties = new HashMap<>();

    private ConfigComponent start(Map<String, String> env) {
        return new ConfigComponent(configAdmin, frameworkProperties::get, env, dir, warnings::add,
                failFastMessages::add, launchProperties::put);
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("system-probe.yaml"), yaml);
        frameworkProperties.put("cartograph.config", file.toString());
        return file;
    }

    private static ComponentStatus only(ConfigComponent component) {
        List<ComponentStatus> status = component.status();
        assertEquals(1, status.size());
        return status.getFirst();
    }

    @Test
    void withoutFileSetsLaunchPropertiesAndDataDirDefaults() throws IOException {
        ComponentStatus status = only(start(Map.of()));

        Path deploy = dir.resolve("deploy");
        assertEquals(Map.of(
                "felix.fileinstall.dir", deploy.toString(),
                "felix.fileinstall.poll", "1000",
                "felix.fileinstall.noInitialDelay", "true",
                "felix.fileinstall.filter", ".*\\.(jar|cfg|config)",
                "felix.fileinstall.bundles.new.start", "true",
                "felix.fileinstall.log.level", "3",
                "felix.fileinstall.enableConfigSave", "false",
                "org.apache.felix.http.host", "127.0.0.1",
                "org.osgi.service.http.port", "7777"), launchProperties);
        assertNull(configAdmin.props("org.apache.felix.fileinstall~cartograph-deploy"), "no second FileInstall watcher");
        assertNull(configAdmin.props("org.apache.felix.http"), "Jetty reads its launch properties, not a restart");
        assertTrue(Files.isDirectory(deploy), "deploy folder created");
        assertEquals(Map.of("data.dir", dir.resolve("data").toString()), configAdmin.props("org.cartograph.webconsole"));
        assertNull(configAdmin.props("org.cartograph.core.pipeline"), "nothing set, nothing written");
        assertEquals(Optional.of(deploy), ConfigWriter.deployDirectory(launchProperties::get).map(Path::toAbsolutePath));

        assertEquals("config", status.component());
        assertEquals(Health.OK, status.health());
        assertEquals("embedded defaults", status.attributes().get("file"));
        assertEquals(0L, status.counters().get("keys.applied"));
    }

    @Test
    void fileAndEnvironmentAreWrittenPerPidWithEnvironmentWinning() throws IOException {
        Path file = write(ConfigLoaderTest.FULL);
        frameworkProperties.put("cartograph.home", dir.resolve("home").toString());

        ComponentStatus status = only(start(Map.of("CARTOGRAPH_INTERVAL", "2m", "CARTOGRAPH_CONSOLE_PASSWORD", "env-pw")));

        Map<String, Object> pipeline = configAdmin.props("org.cartograph.core.pipeline");
        assertEquals(120, pipeline.get("interval.seconds"));
        assertEquals(9, pipeline.size());
        assertEquals("env-pw", configAdmin.props("org.cartograph.webconsole").get("password"));
        assertEquals("8080", launchProperties.get("org.osgi.service.http.port"));
        assertEquals(dir.resolve("plugins").toString(), launchProperties.get("felix.fileinstall.dir"));
        assertTrue(Files.isDirectory(dir.resolve("plugins")));

        assertEquals(Health.OK, status.health());
        assertEquals(file.toString(), status.attributes().get("file"));
        assertEquals(27L, status.counters().get("keys.applied"));
        assertEquals(2L, status.counters().get("keys.from.environment"));
        assertFalse(status.toString().contains("env-pw"), "no secret in status");
        assertFalse(status.toString().contains("s3cr3t-pw"), "no secret in status");
    }

    @Test
    void invalidConfigurationAppliesNothingAndReportsDown() throws IOException {
        configAdmin.put("org.cartograph.dns", Map.of("max.dns.stats", 5));
        Path file = write("""
                system_probe_config:
                  enabled: true
                  max_dns_stats: 0
                cartograph:
                  interval: abc
                  console:
                    password: top-secret
                """);

        ComponentStatus status = only(start(Map.of()));

        assertEquals(List.of(), configAdmin.updates, "nothing applied");
        assertEquals(Map.of("max.dns.stats", 5), configAdmin.props("org.cartograph.dns"), "nothing removed");
        assertEquals(Map.of(), launchProperties, "no launch property set");
        assertEquals(Health.DOWN, status.health());
        assertTrue(status.message().startsWith("invalid configuration: " + file + ":3: system_probe_config.max_dns_stats"),
                status.message());
        assertTrue(status.message().contains(file + ":5: cartograph.interval"), status.message());
        assertFalse(status.toString().contains("top-secret"));
        assertEquals(List.of(), failFastMessages, "failfast is off by default");
    }

    @Test
    void failFastGetsTheMessage() {
        frameworkProperties.put("cartograph.config.failfast", "true");

        ComponentStatus status = only(start(Map.of("CARTOGRAPH_INTERVAL", "abc")));

        assertEquals(List.of("invalid configuration: environment variable CARTOGRAPH_INTERVAL: cartograph.interval:"
                + " expected a duration between 1s and 1h such as 10s, got 'abc'"), failFastMessages);
        assertEquals(Health.DOWN, status.health());
        assertEquals(List.of(), configAdmin.updates);
    }

    @Test
    void staleConfigurationOfAnUnsetPidIsRemovedButFileInstallOwnedOnesStay() {
        configAdmin.put("org.cartograph.dns", Map.of("max.dns.stats", 5));
        configAdmin.put("org.cartograph.nat", Map.of("enable.conntrack", false,
                "felix.fileinstall.filename", "file:/deploy/org.cartograph.nat.cfg"));

        start(Map.of());

        assertNull(configAdmin.props("org.cartograph.dns"));
        assertEquals(false, configAdmin.props("org.cartograph.nat").get("enable.conntrack"));
    }

    @Test
    void unchangedConfigurationIsNotRewritten() {
        start(Map.of("CARTOGRAPH_HTTP_PORT", "8081"));
        int writes = configAdmin.updates.size();

        ComponentStatus second = only(start(Map.of("CARTOGRAPH_HTTP_PORT", "8081")));

        assertEquals(writes, configAdmin.updates.size());
        assertEquals(Health.OK, second.health());
    }

    @Test
    void warningsAreCountedInStatus() throws IOException {
        write("cartograph:\n  intervall: 10s\n");

        ComponentStatus status = only(start(Map.of("CARTOGRAPH_FOO", "1")));

        assertEquals(2L, status.counters().get("warnings"));
        assertEquals(2, warnings.size());
        assertTrue(status.message().contains("2 warnings"), status.message());
    }
}
