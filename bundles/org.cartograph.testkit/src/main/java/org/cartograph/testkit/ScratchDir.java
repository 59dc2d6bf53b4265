package org.cartograph.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/** Removal of a test directory that processes and mounts may still hold. */
final class ScratchDir {

    private ScratchDir() {
    }

    /**
     * Kills every process whose command line names the directory (for podman: conmon, container
     * processes) and deletes it, detaching mounts left under it (a container's shm) and retrying
     * while they let go.
     *
     * @param dir the directory
     * @throws IOException if it still exists after 20 s
     */
    static void delete(Path dir) throws IOException {
        String marker = dir.toString();
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished while walking: walk again
            }
            if (Files.exists(dir)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("cannot remove test directory " + dir);
                }
                unmountUnder(marker);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }

    private static void unmountUnder(String marker) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            if (fields.length > 1 && (fields[1].equals(marker) || fields[1].startsWith(marker + "/"))) {
                try {
                    new ProcessBuilder("umount", "-l", fields[1]).start().waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
