package org.cartograph.config.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipException;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;

/**
 * Finds {@code *.jar} files in the deploy folder that FileInstall did not install and says why:
 * not a zip, no manifest, no {@code Bundle-SymbolicName}. Each bad file is warned about once per
 * (file, size, modification time); a file that is fixed, installed or deleted leaves the report.
 * {@link #scan} and {@link #unconfigured} are called from one thread at a time (the monitor's
 * executor); {@link #status} from any thread.
 */
final class DeployFolderCheck {

    /** The component name in {@link ComponentStatus}. */
    static final String COMPONENT = "deploy";

    /** What was found in a file of a given size and time; {@code reason} null if it is a bundle. */
    private record Seen(long size, FileTime modified, String shownName, String reason) {
    }

    private final WarningSink warnings;
    /** Confined to the scanning thread. */
    private final Map<Path, Seen> seen = new HashMap<>();
    private volatile ComponentStatus status = new ComponentStatus(COMPONENT, Health.STARTING,
            "deploy folder not known yet", null, null, Instant.now());

    /** @param warnings receives one warning per bad file version */
    DeployFolderCheck(WarningSink warnings) {
        this.warnings = warnings;
    }

    /**
     * Checks the folder once. Never throws for a file or folder problem: those go into the status.
     *
     * @param dir             the deploy folder
     * @param bundleLocations the locations of the installed bundles
     */
    void scan(Path dir, Collection<String> bundleLocations) {
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (NoSuchFileException e) {
            jars = List.of();
        } catch (IOException | UncheckedIOException e) {
            seen.clear();
            publish(Health.DEGRADED, "cannot list the deploy folder " + dir + ": " + e, Map.of(), dir);
            return;
        }
        Set<Path> present = new HashSet<>();
        for (Path jar : jars) {
            Path file = jar.toAbsolutePath().normalize();
            Optional<BasicFileAttributes> attributes = attributes(file);
            if (attributes.isEmpty() || !attributes.get().isRegularFile() || installed(file, bundleLocations)) {
                continue;
            }
            present.add(file);
            BasicFileAttributes now = attributes.get();
            Seen before = seen.get(file);
            if (before != null && before.size() == now.size() && before.modified().equals(now.lastModifiedTime())) {
                continue;
            }
            String shown = shownName(dir, file);
            String reason = problem(file);
            seen.put(file, new Seen(now.size(), now.lastModifiedTime(), shown, reason));
            if (reason != null) {
                warnings.warn(shown + " is not a valid bundle: " + reason);
            }
        }
        seen.keySet().retainAll(present);
        Map<String, String> bad = new TreeMap<>();
        seen.values().stream().filter(s -> s.reason() != null).forEach(s -> bad.put(s.shownName(), s.reason()));
        if (bad.isEmpty()) {
            publish(Health.OK, "", bad, dir);
        } else {
            publish(Health.DEGRADED, bad.size() == 1 ? "1 file in " + dir + " is not a valid bundle"
                    : bad.size() + " files in " + dir + " are not valid bundles", bad, dir);
        }
    }

    /** Records that the deploy folder is not known (the configuration was not applied). */
    void unconfigured() {
        seen.clear();
        publish(Health.STARTING, "deploy folder not configured: the configuration was not applied", Map.of(), null);
    }

    /** @return the last scan's outcome; never blocks */
    ComponentStatus status() {
        return status;
    }

    /**
     * @param jar a file
     * @return why it is not a bundle, or null if it is one
     */
    static String problem(Path jar) {
        try (JarFile zip = new JarFile(jar.toFile(), false)) {
            Manifest manifest = zip.getManifest();
            if (manifest == null) {
                return "no META-INF/MANIFEST.MF";
            }
            String name = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            return name == null || name.isBlank() ? "no Bundle-SymbolicName in its manifest" : null;
        } catch (ZipException e) {
            return "not a zip file";
        } catch (IOException | RuntimeException e) {
            return "cannot be read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static boolean installed(Path file, Collection<String> bundleLocations) {
        String path = file.toString();
        String uriPath = file.toUri().getRawPath();
        for (String location : bundleLocations) {
            if (location != null && (location.endsWith(path) || location.endsWith(uriPath))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<BasicFileAttributes> attributes(Path file) {
        try {
            return Optional.of(Files.readAttributes(file, BasicFileAttributes.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String shownName(Path dir, Path file) {
        Path folder = dir.getFileName();
        return (folder == null ? dir.toString() : folder.toString()) + "/" + file.getFileName();
    }

    private void publish(Health health, String message, Map<String, String> bad, Path dir) {
        ComponentStatus previous = status;
        Instant since = previous.health() == health ? previous.since() : Instant.now();
        Map<String, String> attributes = new TreeMap<>(bad);
        if (dir != null) {
            attributes.put("dir", dir.toString());
        }
        status = new ComponentStatus(COMPONENT, health, message, Map.of("invalid.files", (long) bad.size()),
                attributes, since);
    }
}
