package org.cartograph.itest.process;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real podman with its Docker-compatible API service, all state in one temporary directory
 * (vfs storage, runroot, events file, network configs), a busybox image imported without a
 * registry, and an internal bridge network with its own bridge name and subnet. {@link #close()}
 * removes every container, stops the service and deletes the directory. (The same set-up as the
 * Docker provider's tests.)
 */
final class Podman implements AutoCloseable {

    static final String IMAGE = "localhost/busybox:test";

    private final Path dir;
    private final Path socket;
    private final String network;
    private final String subnetPrefix;
    private Process service;

    private Podman(Path dir, int octet) {
        this.dir = dir;
        this.socket = dir.resolve("podman.sock");
        this.network = "cgnet" + octet;
        this.subnetPrefix = "10.231." + octet + ".";
    }

    /**
     * @param dir   an empty temporary directory
     * @param octet third octet of the test network's subnet (10.231.OCTET.0/24), unique per test class
     * @return a podman with a running API service
     */
    static Podman start(Path dir, int octet) throws IOException, InterruptedException {
        Podman p = new Podman(dir, octet);
        try {
            p.prepare(octet);
            p.startService();
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void prepare(int octet) throws IOException, InterruptedException {
        Path net = Files.createDirectories(dir.resolve("networks"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("containers.conf"), """
                [containers]
                default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
                [network]
                network_config_dir = "%s"
                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                tmp_dir = "%s"
                """.formatted(net, dir.resolve("tmp")));
        String id = "%064x".formatted(octet);
        Files.writeString(net.resolve(network + ".json"), """
                {"name":"%s","id":"%s","driver":"bridge","network_interface":"%s",
                 "created":"2026-01-01T00:00:00Z",
                 "subnets":[{"subnet":"%s0/24","gateway":"%s1"}],
                 "ipv6_enabled":false,"internal":true,"dns_enabled":false,
                 "ipam_options":{"driver":"host-local"}}
                """.formatted(network, id, network, subnetPrefix, subnetPrefix));
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String tool : List.of("sh", "sleep", "nc", "httpd", "wget", "cat")) {
            Files.createSymbolicLink(rootfs.resolve(tool), Path.of("busybox"));
        }
        run(Duration.ofSeconds(30), "tar", "-C", dir.resolve("rootfs").toString(), "-czf",
                dir.resolve("rootfs.tgz").toString(), ".");
        podman("import", "--change", "CMD [\"/bin/sleep\",\"3600\"]", dir.resolve("rootfs.tgz").toString(), IMAGE);
    }

    /** Starts the API service and waits until its socket accepts connections. */
    void startService() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(base());
        cmd.addAll(List.of("system", "service", "--time=0", "unix://" + socket));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        service = pb.start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (IOException e) {
                    // not listening yet
                }
            }
            if (!service.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IOException("podman service did not start: " + Files.readString(dir.resolve("service.log")));
            }
            service.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the API service (containers keep running). */
    void stopService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            service = null;
        }
    }

    /**
     * @param name    container name
     * @param labels  container labels
     * @param command the container's command (busybox tools), or none for the image's {@code sleep}
     * @return the new container's id
     */
    String runContainer(String name, Map<String, String> labels, String... command)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network));
        labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.add(IMAGE);
        args.addAll(List.of(command));
        return podman(args.toArray(String[]::new)).strip();
    }

    /**
     * @param name a running container
     * @return its address on the test network
     */
    String address(String name) throws IOException, InterruptedException {
        return podman("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", name)
                .strip();
    }

    void remove(String name) throws IOException, InterruptedException {
        podman("rm", "-f", "-t", "0", name);
    }

    int pid(String name) throws IOException, InterruptedException {
        return Integer.parseInt(podman("inspect", "-f", "{{.State.Pid}}", name).strip());
    }

    Path socket() {
        return socket;
    }

    String podman(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(base());
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    }

    private List<String> base() {
        return List.of("podman", "--root", dir.resolve("root").toString(), "--runroot",
                dir.resolve("runroot").toString(), "--storage-driver", "vfs");
    }

    private String run(Duration timeout, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
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
            if (Files.exists(dir.resolve("containers.conf"))) {
                podman("rm", "-a", "-f", "-t", "0");
            }
        } finally {
            stopService();
            removeDirectory();
        }
    }

    /**
     * Kills what podman left running under the test directory (conmon, container processes) and
     * deletes the directory, retrying while those processes let go of it.
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
                new ProcessBuilder("umount", "-R", "-l", marker).start().waitFor(5, TimeUnit.SECONDS);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
        }
    }
}
