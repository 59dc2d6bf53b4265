package org.cartograph.itest.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.opentest4j.AssertionFailedError;

/**
 * The agent started the way users start it, {@code bin/cartograph run}, as a child process with
 * its own home, deploy and data folders and a free loopback port. Output goes to files the test
 * reads; {@link #close()} stops it with SIGTERM and waits.
 */
final class AgentProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("cartograph.root", "../..")).toAbsolutePath().normalize();
    /**
     * Where {@link #runnableJar} finds the jars: {@code run-configs/target}, or the folder named by the
     * environment variable {@code CARTOGRAPH_IT_RUNNABLES} (to run the tests against other builds).
     */
    static final Path RUNNABLES = Path.of(System.getenv().getOrDefault("CARTOGRAPH_IT_RUNNABLES",
            ROOT.resolve("run-configs/target").toString()));

    final Path dir;
    final Path stdout;
    final Path stderr;
    final int port;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    AgentProcess(Path dir, Path config, Map<String, String> env) throws IOException {
        this(dir, runCommand(config), env);
    }

    private AgentProcess(Path dir, List<String> cmd, Map<String, String> env) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.stdout = dir.resolve("stdout.log");
        this.stderr = dir.resolve("stderr.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("CARTOGRAPH_") || k.startsWith("DD_"));
        pb.environment().put("CARTOGRAPH_SKIP_BUILD", "1");
        pb.environment().put("CARTOGRAPH_HTTP_PORT", String.valueOf(port));
        pb.environment().put("CARTOGRAPH_DEPLOY_DIR", dir.resolve("deploy").toString());
        pb.environment().put("CARTOGRAPH_DATA_DIR", dir.resolve("data").toString());
        pb.environment().putAll(env);
        process = pb.start();
    }

    private static List<String> runCommand(Path config) {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("bin/cartograph").toString(), "run"));
        if (config != null) {
            cmd.add("--config");
            cmd.add(config.toString());
        }
        return cmd;
    }

    /**
     * Starts a runnable jar of {@link #RUNNABLES} (e.g. {@code collector.jar}, which
     * {@code bin/cartograph} does not start) as its README says, {@code java -jar}, with this JVM's
     * java, the same folders, port and environment handling as the agent, and
     * {@code CARTOGRAPH_JAVA_OPTS} from {@code env} as JVM options.
     *
     * @param jar the jar's file name, e.g. {@code collector.jar}
     */
    static AgentProcess runnableJar(Path dir, String jar, Path config, Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        String opts = env.getOrDefault("CARTOGRAPH_JAVA_OPTS", "").strip();
        if (!opts.isEmpty()) {
            cmd.addAll(List.of(opts.split("\\s+")));
        }
        cmd.add("-Dcartograph.home=" + ROOT);
        if (config != null) {
            cmd.add("-Dcartograph.config=" + config);
        }
        cmd.addAll(List.of("-jar", RUNNABLES.resolve(jar).toString()));
        return new AgentProcess(dir, cmd, env);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String out() throws IOException {
        return Files.readString(stdout);
    }

    String err() throws IOException {
        return Files.readString(stderr);
    }

    boolean alive() {
        return process.isAlive();
    }

    int waitForExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionFailedError("agent still running after " + timeout.toSeconds() + "s");
        }
        return process.exitValue();
    }

    /** @return status code and body, or code -1 if nothing answers yet */
    HttpResult get(String path, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(r.statusCode(), r.body());
        } catch (IOException e) {
            return new HttpResult(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HttpResult(-1, "interrupted");
        }
    }

    /** @return status code and body of a form POST with Basic credentials and optional extra headers */
    HttpResult post(String path, String form, String user, String password, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(r.statusCode(), r.body());
        } catch (IOException e) {
            return new HttpResult(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HttpResult(-1, "interrupted");
        }
    }

    record HttpResult(int code, String body) {
    }

    void await(Duration timeout, String what, BooleanSupplier condition) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionFailedError("agent exited (" + process.exitValue() + ") while waiting for " + what
                        + "\nstdout:\n" + out() + "\nstderr:\n" + err());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out waiting for " + what + "\nstdout:\n" + out() + "\nstderr:\n" + err());
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    /** Kills the process with SIGKILL, as a crash or the OOM killer would: no shutdown hooks, no stop. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
