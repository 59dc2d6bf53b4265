package org.cartograph.config.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployFolderCheckTest {

    @TempDir
    Path tmp;

    private final List<String> warnings = new ArrayList<>();
    private final DeployFolderCheck check = new DeployFolderCheck(warnings::add);

    private Path deploy() throws IOException {
        return Files.createDirectories(tmp.resolve("deploy"));
    }

    private static Path jar(Path file, Map<String, String> headers) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.putNextEntry(new ZipEntry("x/A.class"));
            jar.write(new byte[] {1, 2, 3});
        }
        return file;
    }

    private static Path corrupt(Path file, long seed) throws IOException {
        byte[] bytes = new byte[4096];
        new Random(seed).nextBytes(bytes);
        return Files.write(file, bytes);
    }

    @Test
    void reportsCorruptAndNonBundleJarsAndClearsDeletedOnes() throws IOException {
        Path dir = deploy();
        Path corrupt = corrupt(dir.resolve("x.jar"), 42);
        Path plain = jar(dir.resolve("plain.jar"), Map.of("Created-By", "test"));
        jar(dir.resolve("good.jar"), Map.of("Bundle-SymbolicName", "org.example.good"));
        Files.writeString(dir.resolve("org.cartograph.dns.cfg"), "max.dns.stats=5\n");

        check.scan(dir, List.of("System Bundle"));

        ComponentStatus status = check.status();
        assertEquals("deploy", status.component());
        assertEquals(Health.DEGRADED, status.health());
        assertEquals("not a zip file", status.attributes().get("deploy/x.jar"));
        assertEquals("no Bundle-SymbolicName in its manifest", status.attributes().get("deploy/plain.jar"));
        assertNull(status.attributes().get("deploy/good.jar"));
        assertEquals(2L, status.counters().get("invalid.files"));
        assertEquals(List.of(
                "deploy/plain.jar is not a valid bundle: no Bundle-SymbolicName in its manifest",
                "deploy/x.jar is not a valid bundle: not a zip file"), warnings);

        Files.delete(corrupt);
        Files.delete(plain);
        check.scan(dir, List.of());

        assertEquals(Health.OK, check.status().health());
        assertNull(check.status().attributes().get("deploy/x.jar"));
        assertEquals(0L, check.status().counters().get("invalid.files"));
    }

    @Test
    void warnsOncePerFileVersion() throws IOException {
        Path dir = deploy();
        Path x = corrupt(dir.resolve("x.jar"), 1);
        Files.setLastModifiedTime(x, FileTime.fromMillis(1_000_000));

        check.scan(dir, List.of());
        check.scan(dir, List.of());
        assertEquals(1, warnings.size());

        corrupt(x, 2);
        Files.setLastModifiedTime(x, FileTime.fromMillis(2_000_000));
        check.scan(dir, List.of());
        assertEquals(2, warnings.size());
        assertEquals(Health.DEGRADED, check.status().health());
    }

    @Test
    void jarWithoutManifestIsReported() throws IOException {
        Path dir = deploy();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("nomf.jar")))) {
            zip.putNextEntry(new ZipEntry("a.txt"));
            zip.write('a');
        }

        check.scan(dir, List.of());

        assertEquals("no META-INF/MANIFEST.MF", check.status().attributes().get("deploy/nomf.jar"));
    }

    @Test
    void installedJarsAreNotChecked() throws IOException {
        Path dir = deploy();
        Path x = corrupt(dir.resolve("x.jar"), 7);

        check.scan(dir, List.of(x.toAbsolutePath().toUri().toString()));

        assertEquals(Health.OK, check.status().health());
        assertEquals(List.of(), warnings);
    }

    @Test
    void missingFolderIsEmptyAndUnconfiguredIsStarting() {
        check.scan(tmp.resolve("absent"), List.of());
        assertEquals(Health.OK, check.status().health());

        check.unconfigured();
        assertEquals(Health.STARTING, check.status().health());
    }
}
