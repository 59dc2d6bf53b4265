package org.cartograph.capture.ebpf.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.cartograph.capture.ebpf.internal.probe.ProbeMain;
import org.cartograph.testkit.Await;

/** The capture probe ({@link ProbeMain}) as a process of its own, on this test's class path. */
final class ProbeProcess implements AutoCloseable {

    final Process process;
    final Path socket;
    private final Path log;

    private ProbeProcess(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /** Starts a probe process on {@code socket} without waiting for it. */
    static ProbeProcess attempt(Path socket, String... options) throws IOException {
        Path log = Files.createTempFile("cartograph-probe", ".log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ProbeMain.class.getName(), "--socket", socket.toString()));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ProbeProcess(p, socket, log);
    }

    /** Starts a probe on {@code socket} and waits until it serves. */
    static ProbeProcess start(Path socket, String... options) throws IOException {
        ProbeProcess probe = attempt(socket, options);
        Process p = probe.process;
        Await.until(Duration.ofSeconds(60), "the probe serves on " + socket,
                () -> probe.log().contains("Capture probe serving") || !p.isAlive());
        if (!p.isAlive()) {
            throw new AssertionError("the probe exited with " + p.exitValue() + ": " + probe.log());
        }
        return probe;
    }

    /** @return what the probe logged so far */
    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends TERM and waits for the process to end; returns its exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the probe did not stop within 30 s on TERM: " + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(log);
    }
}
