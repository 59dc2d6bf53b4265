package org.cartograph.capture.ebpf.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.cartograph.capture.ebpf.internal.probe.AgentConfig;
import org.cartograph.capture.ebpf.internal.probe.ProbeBackend;
import org.cartograph.capture.ebpf.internal.probe.WarmProbe;

/**
 * A capture probe process for the churn benchmark: one JVM ({@link WarmProbe}, this JVM's class path,
 * the JVM options of {@code bin/cartograph probe} from {@code CARTOGRAPH_PROBE_JAVA_OPTS}) for the whole
 * run, told to serve before each "with" round and to stop (detach, remove the socket) after it, so
 * its compiled code carries over like a probe that runs for days; and the agent's end, a
 * {@link ProbeBackend}, to read it in this JVM.
 */
final class ProbeRun implements AutoCloseable {

    private final Process process;
    private final Path socket;
    private final Path log;
    private final Writer commands;
    private final BufferedReader answers;

    private ProbeRun(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the probe's JVM in {@code dir}; it serves at each {@link #serve}. */
    static ProbeRun launch(Path dir, int maxTracked) throws IOException {
        Path socket = dir.resolve("probe.sock");
        Path log = dir.resolve("probe.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.stream(System.getenv().getOrDefault("CARTOGRAPH_PROBE_JAVA_OPTS", "").split("\\s+"))
                .filter(o -> !o.isBlank()).toList());
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), WarmProbe.class.getName(), "--socket", socket.toString(),
                "--max-tracked-connections", Integer.toString(maxTracked)));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        return new ProbeRun(p, socket, log);
    }

    /** Loads, attaches and serves; returns when the probe accepts agents. */
    void serve() throws IOException {
        command("start", "STARTED");
    }

    /** Detaches everything and removes the socket. */
    void stop() throws IOException {
        command("stop", "STOPPED");
    }

    private void command(String command, String expected) throws IOException {
        commands.write(command + "\n");
        commands.flush();
        String answer = answers.readLine();
        if (!expected.equals(answer)) {
            throw new IllegalStateException("probe answered " + answer + " to " + command + ": " + Files.readString(log));
        }
    }

    /** @return a probe backend for this probe's socket */
    ProbeBackend backend() {
        return new ProbeBackend(new AgentConfig(socket.toString(), 30_000));
    }

    /** @return the probe process's CPU time so far, in nanoseconds */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /**
     * @return CPU time so far of the probe's JIT compiler threads, in nanoseconds (from
     *         {@code /proc/PID/task/TID/stat}, 10 ms ticks): a new JVM compiles its hot code in its
     *         first seconds, a long-running probe no more
     */
    long compilerNanos() {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : tasks) {
                String stat = Files.readString(task.resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !stat.substring(open + 1, close).contains("Compiler")) {
                    continue;
                }
                String[] f = stat.substring(close + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * 10_000_000L;
    }

    /** @return the probe process's peak resident memory, as /proc shows it */
    String peakRss() throws IOException {
        return BenchSupport.status(Path.of("/proc", Long.toString(process.pid()), "status"), "VmHWM");
    }

    /** Ends the probe's JVM (end of its input) and waits. */
    @Override
    public void close() throws IOException {
        commands.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the probe did not end: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
