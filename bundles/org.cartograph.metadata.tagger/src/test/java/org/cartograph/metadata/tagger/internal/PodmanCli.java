package org.cartograph.metadata.tagger.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Real podman containers started with its command line, all state in one temporary directory
 * (vfs storage, runroot, temp files; the TESTBED.md settings: runc, cgroupfs, file events), a
 * busybox image imported without a registry. Containers get network namespaces of their own
 * ({@code --network none}) or join another's ({@code --network container:NAME}); no network is
 * configured. {@link #close()} removes every container and deletes the directory.
 */
final class PodmanCli implements AutoCloseable {

    static final String IMAGE = "localhost/busybox:test";

    private final Path dir;
    /** Containers started, in order; removed in reverse (one that joined another's namespace first). */
    private final List<String> names = new ArrayList<>();

    private PodmanCli(Path dir) {
        this.dir = dir;
    }

    /**
     * @param dir an empty temporary directory with a short path (podman refuses a runroot over 50 characters)
     * @return a podman with the busybox image imported
     */
    static PodmanCli start(Path dir) throws IOException, InterruptedException {
        PodmanCli p = new PodmanCli(dir);
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(dir.resolve("containers.conf"), """
                    [containers]
                    default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                    [engine]
                    runtime = "runc"
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    tmp_dir = "%s"
                    """.formatted(dir.resolve("tmp")));
            Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
            Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
            for (String tool : List.of("sh", "sleep")) {
                Files.createSymbolicLink(rootfs.resolve(tool), Path.of("busybox"));
            }
            p.run("tar", "-C", dir.resolve("rootfs").toString(), "-czf", dir.resolve("rootfs.tgz").toString(), ".");
            p.podman("import", "--change", "CMD [\"/bin/sleep\",\"3600\"]", dir.resolve("rootfs.tgz").toString(), IMAGE);
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /**
     * @param name    container name
     * @param network {@code none}, or {@code container:NAME} to share another container's namespace
     * @return the new container's id
     */
    String run(String name, String network) throws IOException, InterruptedException {
        names.add(name);
        return podman("run", "-d", "--name", name, "--network", network, IMAGE).strip();
    }

    /**
     * @param name a running container
     * @return its main process id
     */
    int pid(String name) throws IOException, InterruptedException {
        return Integer.parseInt(podman("inspect", "-f", "{{.State.Pid}}", name).strip());
    }

    private String podman(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(), "--runroot",
                dir.resolve("runroot").toString(), "--storage-driver", "vfs"));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    private String run(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        String text = new String(out);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + String.join(" ", cmd) + ": " + text);
        }
        return text;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            for (int i = names.size() - 1; i >= 0; i--) {
                podman("rm", "-f", "-t", "0", "--ignore", names.get(i));
            }
        } finally {
            removeDirectory();
        }
    }

    /**
     * Kills what podman left running under the directory and deletes it, detaching mounts left
     * under it (a container's shm) and retrying while they let go.
     */
    private void removeDirectory() throws IOException, InterruptedException {
        String marker = dir.toString();
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file vanished while walking: walk again
            }
            if (Files.exists(dir)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("cannot remove podman's test directory " + dir);
                }
                for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                    String[] fields = line.split(" ");
                    if (fields.length > 1 && fields[1].startsWith(marker + "/")) {
                        new ProcessBuilder("umount", "-l", fields[1]).start().waitFor(5, TimeUnit.SECONDS);
                    }
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }
}
