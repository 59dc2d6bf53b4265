package org.cartograph.capture.ebpf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cartograph.testkit.Await;
import org.cartograph.testkit.TestHosts;

/** Runs peer.py (servers and clients with known byte counts) inside the test hosts. */
final class Peer {

    final Path dir;
    final Path script;
    final TestHosts hosts;
    private int logs;

    Peer(TestHosts hosts) {
        this.hosts = hosts;
        try {
            dir = Files.createTempDirectory("carto-ebpf");
            try (InputStream in = Peer.class.getResourceAsStream("peer.py")) {
                script = Files.write(dir.resolve("peer.py"), in.readAllBytes());
            }
            Path created = dir;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(created)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running peer process and its output. */
    record Run(Process process, Path log) {

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "";
            }
        }

        /** Waits for a line starting with the word; returns its fields after the word. */
        String[] await(String word) {
            Pattern p = Pattern.compile("(?m)^" + word + "(.*)$");
            Await.until(Duration.ofSeconds(30), word + " from peer (output so far: " + output() + ")",
                    () -> p.matcher(output()).find());
            Matcher m = p.matcher(output());
            m.find();
            return m.group(1).strip().split(" ");
        }
    }

    synchronized Run spawn(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-u", script.toString()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("peer" + (logs++) + ".log");
        return new Run(hosts.spawn(ns, log, cmd.toArray(String[]::new)), log);
    }

    Path gate(String name) {
        return dir.resolve(name);
    }

    /** Deletes the scripts and logs when the test JVM ends. */
    private static void delete(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }

    static void open(Path gate) {
        try {
            Files.writeString(gate, "go");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
