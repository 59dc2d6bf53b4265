package org.cartograph.config.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.cartograph.config.internal.ValueType.HeaderList;
import org.cartograph.config.internal.ValueType.InvalidValueException;
import org.cartograph.config.internal.ValueType.StringList;

/**
 * Reads the file and the environment, checks every value, and builds the {@link ConfigPlan}:
 * environment beats file, file beats defaults (a key set nowhere is not written). Has no side
 * effects besides warnings: nothing is written until {@link ConfigWriter} applies the plan. Not
 * thread-safe; cheap to create.
 */
final class ConfigLoader {

    /** Shown as the source when no file is configured. */
    static final String EMBEDDED_DEFAULTS = "embedded defaults";
    static final String HOME_PROPERTY = "cartograph.home";

    private static final int MAX_SHOWN = 80;

    private final KeyCatalog catalog;
    private final Map<String, String> environment;
    private final Path workingDir;
    private final WarningSink warnings;

    /**
     * @param catalog     the known keys
     * @param environment the environment variables ({@code System.getenv()} in production)
     * @param workingDir  the directory relative paths are resolved against, absolute
     * @param warnings    receives each warning
     */
    ConfigLoader(KeyCatalog catalog, Map<String, String> environment, Path workingDir, WarningSink warnings) {
        this.catalog = catalog;
        this.environment = Map.copyOf(environment);
        this.workingDir = workingDir;
        this.warnings = warnings;
    }

    /**
     * @param configFile the {@code cartograph.config} framework property, null or blank for none
     * @param home       the {@code cartograph.home} framework property, null or blank for none
     * @return the plan, or every problem found
     */
    LoadResult load(String configFile, String home) {
        AtomicInteger warningCount = new AtomicInteger();
        WarningSink counting = message -> {
            warningCount.incrementAndGet();
            warnings.warn(message);
        };
        List<Problem> problems = new ArrayList<>();
        List<Problem> fileProblems = new ArrayList<>();
        List<Problem> envProblems = new ArrayList<>();
        Optional<Path> file = resolve(configFile, "cartograph.config", problems);
        Path base = resolve(home, HOME_PROPERTY, problems).orElse(workingDir);
        String source = file.map(Path::toString).orElse(EMBEDDED_DEFAULTS);

        List<RawValue> raw = new ArrayList<>();
        file.ifPresent(f -> {
            YamlConfigReader.Result read = new YamlConfigReader(catalog, counting).read(f);
            raw.addAll(read.values());
            fileProblems.addAll(read.problems());
        });
        raw.addAll(EnvironmentReader.read(catalog, environment, counting));

        Map<ConfigKey, Object> fromFile = new LinkedHashMap<>();
        Map<ConfigKey, Object> fromEnv = new LinkedHashMap<>();
        for (RawValue value : raw) {
            convert(value, value.fromEnvironment() ? envProblems : fileProblems)
                    .ifPresent(v -> (value.fromEnvironment() ? fromEnv : fromFile).put(value.key(), v));
        }
        fileProblems.sort(Comparator.comparingInt(Problem::line));
        problems.addAll(fileProblems);
        problems.addAll(envProblems);
        if (!problems.isEmpty()) {
            return new LoadResult(source, Optional.empty(), problems, warningCount.get());
        }
        return new LoadResult(source, Optional.of(plan(fromFile, fromEnv, base, source)), List.of(),
                warningCount.get());
    }

    private ConfigPlan plan(Map<ConfigKey, Object> fromFile, Map<ConfigKey, Object> fromEnv, Path base,
                            String source) {
        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        java.util.Set<String> disabled = new java.util.HashSet<>();
        Map<String, Object> fileInstall = new LinkedHashMap<>();
        int keys = 0;
        for (ConfigKey key : catalog.keys()) {
            Object value = fromEnv.containsKey(key) ? fromEnv.get(key) : fromFile.get(key);
            if (value != null) {
                keys++;
            } else if (key.fallback() != null) {
                value = fallback(key);
            } else {
                continue;
            }
            for (ConfigKey.Target target : key.targets()) {
                if (target.property().equals(KeyCatalog.ENABLED)) {
                    if (Boolean.TRUE.equals(value)) {
                        configurations.computeIfAbsent(target.pid(), p -> new LinkedHashMap<>());
                    } else {
                        disabled.add(target.pid());
                    }
                } else if (target.pid().equals(KeyCatalog.FILEINSTALL)) {
                    fileInstall.put(target.property(), value);
                } else {
                    configurations.computeIfAbsent(target.pid(), p -> new LinkedHashMap<>())
                            .put(target.property(), value);
                }
            }
        }
        disabled.forEach(configurations::remove);
        String defaultDataDir = base.resolve("data").normalize().toString();
        for (ConfigKey.Target target : catalog.byPath(KeyCatalog.DATA_DIR_KEY).orElseThrow().targets()) {
            if (disabled.contains(target.pid())) {
                continue;
            }
            configurations.computeIfAbsent(target.pid(), p -> new LinkedHashMap<>())
                    .putIfAbsent(target.property(), defaultDataDir);
        }
        Object dataDir = configurations.get(KeyCatalog.WEBCONSOLE).get(KeyCatalog.DATA_DIR_PROPERTY);
        for (String pid : KeyCatalog.DATA_DIR_FOLLOWERS) {
            Map<String, Object> props = configurations.get(pid);
            if (props != null) {
                props.putIfAbsent(KeyCatalog.DATA_DIR_PROPERTY, dataDir);
            }
        }
        fileInstall.putIfAbsent(KeyCatalog.DEPLOY_DIR_PROPERTY, base.resolve("deploy").normalize().toString());
        fileInstall.put("felix.fileinstall.poll", 1000L);
        fileInstall.put("felix.fileinstall.noInitialDelay", Boolean.TRUE);
        fileInstall.put("felix.fileinstall.filter", ".*\\.(jar|cfg|config)");
        fileInstall.put("felix.fileinstall.bundles.new.start", Boolean.TRUE);
        fileInstall.put("felix.fileinstall.log.level", 3);
        // FileInstall would otherwise write configurations back into the .cfg files of deploy/
        fileInstall.put("felix.fileinstall.enableConfigSave", Boolean.FALSE);
        Path deployDir = Path.of((String) fileInstall.get(KeyCatalog.DEPLOY_DIR_PROPERTY));
        return new ConfigPlan(configurations, catalog.pids(), fileInstall, deployDir, source, keys, fromEnv.size());
    }

    private Object fallback(ConfigKey key) {
        try {
            return key.type().parse(key.fallback(), workingDir);
        } catch (InvalidValueException e) {
            throw new IllegalStateException("catalog default of " + key.path() + " is invalid", e);
        }
    }

    private Optional<Object> convert(RawValue raw, List<Problem> problems) {
        ValueType type = raw.key().type();
        try {
            return Optional.of(switch (raw.shape()) {
                case SCALAR -> type.parse(raw.text(), workingDir);
                case LIST -> {
                    if (type instanceof StringList list) {
                        yield list.items(raw.items());
                    }
                    if (type instanceof HeaderList headers) {
                        yield headers.items(raw.items());
                    }
                    throw new InvalidValueException(null);
                }
                case MAPPING, NESTED_LIST -> throw new InvalidValueException(null);
            });
        } catch (InvalidValueException e) {
            String detail = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
            problems.add(new Problem(raw.source(), raw.line(), raw.key().path(),
                    "expected " + type.expected() + ", got " + shown(raw) + detail));
            return Optional.empty();
        }
    }

    /** @return how a bad value is quoted in a message: secrets are never shown */
    private static String shown(RawValue raw) {
        if (raw.shape() != RawValue.Shape.SCALAR) {
            return raw.shape().description();
        }
        String text = raw.text();
        if (text.isBlank()) {
            return "an empty value";
        }
        if (raw.key().secret()) {
            return "a value that is not shown";
        }
        String oneLine = text.replaceAll("\\p{Cntrl}", "?");
        return "'" + (oneLine.length() > MAX_SHOWN ? oneLine.substring(0, MAX_SHOWN) + "..." : oneLine) + "'";
    }

    private Optional<Path> resolve(String property, String name, List<Problem> problems) {
        if (property == null || property.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(workingDir.resolve(property.trim()).toAbsolutePath().normalize());
        } catch (InvalidPathException e) {
            problems.add(new Problem("framework property " + name, 0, null, "not a valid path"));
            return Optional.empty();
        }
    }
}
