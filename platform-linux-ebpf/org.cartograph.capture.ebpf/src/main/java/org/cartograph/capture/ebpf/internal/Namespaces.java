package org.cartograph.capture.ebpf.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every network namespace on the host, one file per namespace: this process's own first,
 * then those of other processes ({@code /proc/<pid>/ns/net}) and the named ones
 * ({@code /var/run/netns}). Used once at start, for the socket iterators.
 */
final class Namespaces {

    private Namespaces() {
    }

    static List<String> list() {
        Map<String, String> byId = new LinkedHashMap<>();
        add(byId, Path.of("/proc/self/ns/net"));
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars()
                .allMatch(Character::isDigit))) {
            for (Path p : procs) {
                add(byId, p.resolve("ns/net"));
            }
        } catch (IOException e) {
            // fewer namespaces: those found so far
        }
        Path named = Path.of("/var/run/netns");
        if (Files.isDirectory(named)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(named)) {
                for (Path p : files) {
                    add(byId, p);
                }
            } catch (IOException e) {
                // fewer namespaces: those found so far
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static void add(Map<String, String> byId, Path file) {
        try {
            Object key = Files.getAttribute(file, "unix:ino");
            byId.putIfAbsent(String.valueOf(key), file.toString());
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            // gone or not a namespace file
        }
    }
}
