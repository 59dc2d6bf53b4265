package org.cartograph.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion and captures its output. */
public final class Cmd {

    /**
     * The outcome of a command.
     *
     * @param exitCode its exit status
     * @param stdout   what it printed
     * @param stderr   what it printed on standard error
     */
    public record Result(int exitCode, String stdout, String stderr) {

        /** @return this, after checking the command succeeded */
        public Result ok() {
            if (exitCode != 0) {
                throw new IllegalStateException("exit " + exitCode + ": " + stderr.strip() + " " + stdout.strip());
            }
            return this;
        }
    }

    private Cmd() {
    }

    /**
     * @param command the command and its arguments
     * @return its outcome, whatever the exit status; at most 60 s
     */
    public static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after 60 s: " + command);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    /**
     * @param command the command and its arguments
     * @return its outcome, after checking it succeeded
     */
    public static Result ok(String... command) {
        return run(List.of(command)).ok();
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
