package org.cartograph.testkit;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real podman for tests, all its state in one temporary directory (vfs storage, root, runroot,
 * temp files, events file, network configs; the TESTBED.md settings: runc, cgroupfs, file events)
 * and a busybox image ({@link #IMAGE}) imported from {@code /bin/busybox} without a registry.
 * {@link #start(Path, int)} adds an internal bridge network with its own bridge name and subnet
 * and podman's Docker-compatible API service; {@link #cli(Path)} has neither (containers use
 * {@code --network none} or join another's namespace). {@link #close()} removes every container,
 * stops the service, kills what podman left running and deletes the directory; it is called on a
 * failed start too.
 */
public final class Podman implements AutoCloseable {

    /** The busybox image every container runs; its default command is {@code sleep 3600}. */
    public static final String IMAGE = "localhost/busybox:test";

    private static final List<String> TOOLS = List.of("sh", "sleep", "nc", "httpd", "wget", "cat");
    private static final long TIMEOUT_SECONDS = 60;

    private final Path dir;
    private final Path socket;
    private final String network;
    private final String subnetPrefix;
    /** Containers started, in order; removed in reverse (one that joined another's namespace first). */
    private final List<String> names = new ArrayList<>();
    private Process service;

    private Podman(Path dir, String network, String subnetPrefix) {
        this.dir = dir;
        this.socket = dir.resolve("podman.sock");
        this.network = network;
        this.subnetPrefix = subnetPrefix;
    }

    /**
     * A podman with a test network and a running API service.
     *
     * @param dir   an empty temporary directory with a short path (podman refuses a runroot over
     *              50 characters), e.g. {@code Files.createTempDirectory("cgpod")}
     * @param octet third octet of the test network's subnet (10.231.OCTET.0/24, network and bridge
     *              {@code cgnetOCTET}), unique per test class
     * @return a podman with the image imported and the API service listening on {@link #socket()}
     * @throws IOException if podman fails; the directory is cleaned up
     */
    public static Podman start(Path dir, int octet) throws IOException, InterruptedException {
        return create(new Podman(dir, "cgnet" + octet, "10.231." + octet + "."), octet);
    }

    /**
     * A podman used through its command line only: no test network, no API service.
     *
     * @param dir an empty temporary directory with a short path (podman refuses a runroot over 50 characters)
     * @return a podman with the image imported
     * @throws IOException if podman fails; the directory is cleaned up
     */
    public static Podman cli(Path dir) throws IOException, InterruptedException {
        return create(new Podman(dir, null, null), 0);
    }

    private static Podman create(Podman p, int octet) throws IOException, InterruptedException {
        try {
            p.prepare();
            if (p.network != null) {
                p.writeNetwork(octet);
                p.startService();
            }
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void prepare() throws IOException, InterruptedException {
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
        Path rootfs = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String tool : TOOLS) {
            Files.createSymbolicLink(rootfs.resolve(tool), Path.of("busybox"));
        }
        exec(List.of("tar", "-C", dir.resolve("rootfs").toString(), "-czf", dir.resolve("rootfs.tgz").toString(), "."));
        podman("import", "--change", "CMD [\"/bin/sleep\",\"3600\"]", dir.resolve("rootfs.tgz").toString(), IMAGE);
    }

    private void writeNetwork(int octet) throws IOException {
        Files.writeString(dir.resolve("networks").resolve(network + ".json"), """
                {"name":"%s","id":"%064x","driver":"bridge","network_interface":"%s",
                 "created":"2026-01-01T00:00:00Z",
                 "subnets":[{"subnet":"%s0/24","gateway":"%s1"}],
                 "ipv6_enabled":false,"internal":true,"dns_enabled":false,
                 "ipam_options":{"driver":"host-local"}}
                """.formatted(network, octet, network, subnetPrefix, subnetPrefix));
    }

    /**
     * Starts the API service and waits until its socket accepts connections.
     *
     * @throws IOException if it does not within 30 s, with its output
     */
    public void startService() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(base());
        cmd.addAll(List.of("system", "service", "--time=0", "unix://" + socket));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        service = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (IOException e) {
                    // not listening yet
                }
            }
            if (!service.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("podman service did not start: " + Files.readString(dir.resolve("service.log")));
            }
            service.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops the API service if it runs (containers keep running). */
    public void stopService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(20, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            service = null;
        }
    }

    /**
     * Runs a detached container on the test network of {@link #start(Path, int)}.
     *
     * @param name    container name
     * @param labels  container labels
     * @param command the container's command (busybox tools), or none for the image's {@code sleep}
     * @return the new container's id
     */
    public String runContainer(String name, Map<String, String> labels, String... command)
            throws IOException, InterruptedException {
        if (network == null) {
            throw new IllegalStateException("no test network: use start(dir, octet), or run(name, network)");
        }
        return run(name, network, labels, command);
    }

    /**
     * Runs a detached container with the image's {@code sleep} and no labels.
     *
     * @param name    container name
     * @param network {@code none}, {@code container:NAME} to share another container's namespace,
     *                or {@link #network()}
     * @return the new container's id
     */
    public String run(String name, String network) throws IOException, InterruptedException {
        return run(name, network, Map.of());
    }

    /**
     * Runs a detached container.
     *
     * @param name    container name
     * @param network {@code none}, {@code container:NAME} to share another container's namespace,
     *                or {@link #network()}
     * @param labels  container labels
     * @param command the container's command (busybox tools), or none for the image's {@code sleep}
     * @return the new container's id
     */
    public String run(String name, String network, Map<String, String> labels, String... command)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network));
        labels.forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.add(IMAGE);
        args.addAll(List.of(command));
        names.add(name);
        return podman(args.toArray(String[]::new)).strip();
    }

    /**
     * Starts a second, detached process in a running container.
     *
     * @param name    a running container
     * @param command the command (busybox tools)
     */
    public void exec(String name, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("exec", "-d", name));
        args.addAll(List.of(command));
        podman(args.toArray(String[]::new));
    }

    /**
     * @param name a running container on the test network
     * @return its address on the test network
     */
    public String address(String name) throws IOException, InterruptedException {
        return podman("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", name)
                .strip();
    }

    /**
     * Removes a container at once, running or not.
     *
     * @param name the container
     */
    public void remove(String name) throws IOException, InterruptedException {
        podman("rm", "-f", "-t", "0", name);
        names.remove(name);
    }

    /**
     * @param name a running container
     * @return its main process id
     */
    public int pid(String name) throws IOException, InterruptedException {
        return Integer.parseInt(podman("inspect", "-f", "{{.State.Pid}}", name).strip());
    }

    /** @return the API service's socket (it exists only with {@link #start(Path, int)}) */
    public Path socket() {
        return socket;
    }

    /** @return the test network's name, {@code cgnetOCTET}; {@code null} for {@link #cli(Path)} */
    public String network() {
        return network;
    }

    /** @return the test network's address prefix, {@code 10.231.OCTET.}; {@code null} for {@link #cli(Path)} */
    public String subnetPrefix() {
        return subnetPrefix;
    }

    /**
     * Runs any podman command against this podman's storage and configuration.
     *
     * @param args the arguments after {@code podman}
     * @return its output (standard output and error)
     * @throws IOException if it fails or takes over 60 s
     */
    public String podman(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(base());
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    private List<String> base() {
        return List.of("podman", "--root", dir.resolve("root").toString(), "--runroot",
                dir.resolve("runroot").toString(), "--storage-driver", "vfs");
    }

    private String exec(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + String.join(" ", cmd) + ": " + text);
        }
        return text;
    }

    /**
     * Removes every container (those started here in reverse order, then any other), stops the
     * API service, kills what podman left running under the directory and deletes it.
     *
     * @throws IOException if a container cannot be removed or the directory not deleted within 20 s
     */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (Files.exists(dir.resolve("containers.conf"))) {
                for (int i = names.size() - 1; i >= 0; i--) {
                    podman("rm", "-f", "-t", "0", "--ignore", names.get(i));
                }
                podman("rm", "-a", "-f", "-t", "0");
            }
        } finally {
            try {
                stopService();
            } finally {
                ScratchDir.delete(dir);
            }
        }
    }
}
