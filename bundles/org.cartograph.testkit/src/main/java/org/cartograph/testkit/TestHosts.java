package org.cartograph.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two test hosts: network namespaces {@code a} and {@code b} joined by a veth pair, with
 * IPv4 {@code 10.200.N.1} / {@code 10.200.N.2} and IPv6 {@code fd00:200:N::1} / {@code ::2}
 * (addresses that exist only inside these namespaces), loopback up in both. Names are unique per
 * JVM and instance, so test classes never collide. {@link #close()} kills every process started
 * here and deletes both namespaces (and so the veth pair), also after a failed test.
 */
public final class TestHosts implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String a;
    private final String b;
    private final int subnet;
    private final List<Process> processes = new ArrayList<>();

    private TestHosts(String a, String b, int subnet) {
        this.a = a;
        this.b = b;
        this.subnet = subnet;
    }

    /**
     * Creates both namespaces and the link between them.
     *
     * @return the hosts; close them when done
     */
    public static TestHosts create() {
        int n = COUNTER.incrementAndGet();
        long pid = ProcessHandle.current().pid();
        int subnet = (int) ((pid * 7 + n) % 200) + 20;
        String tag = Long.toString(pid % 100000, 36) + n;
        TestHosts h = new TestHosts("cga" + tag, "cgb" + tag, subnet);
        String va = "va" + tag;
        String vb = "vb" + tag;
        try {
            Cmd.ok("ip", "netns", "add", h.a);
            Cmd.ok("ip", "netns", "add", h.b);
            Cmd.ok("ip", "link", "add", va, "type", "veth", "peer", "name", vb);
            Cmd.ok("ip", "link", "set", va, "netns", h.a);
            Cmd.ok("ip", "link", "set", vb, "netns", h.b);
            Cmd.ok("ip", "-n", h.a, "addr", "add", h.ipA() + "/24", "dev", va);
            Cmd.ok("ip", "-n", h.b, "addr", "add", h.ipB() + "/24", "dev", vb);
            Cmd.ok("ip", "-n", h.a, "-6", "addr", "add", h.ip6A() + "/64", "dev", va, "nodad");
            Cmd.ok("ip", "-n", h.b, "-6", "addr", "add", h.ip6B() + "/64", "dev", vb, "nodad");
            for (String[] link : new String[][] {{h.a, va}, {h.b, vb}, {h.a, "lo"}, {h.b, "lo"}}) {
                Cmd.ok("ip", "-n", link[0], "link", "set", link[1], "up");
            }
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    /** @return the name of namespace a */
    public String a() {
        return a;
    }

    /** @return the name of namespace b */
    public String b() {
        return b;
    }

    /** @return host a's IPv4 address */
    public String ipA() {
        return "10.200." + subnet + ".1";
    }

    /** @return host b's IPv4 address */
    public String ipB() {
        return "10.200." + subnet + ".2";
    }

    /** @return host a's IPv6 address */
    public String ip6A() {
        return "fd00:200:" + Integer.toHexString(subnet) + "::1";
    }

    /** @return host b's IPv6 address */
    public String ip6B() {
        return "fd00:200:" + Integer.toHexString(subnet) + "::2";
    }

    /**
     * @param ns a namespace name
     * @return the namespace's inode number, as the kernel reports it for sockets in it
     */
    public static long inode(String ns) {
        return Long.parseLong(Cmd.ok("stat", "-L", "-c", "%i", "/var/run/netns/" + ns).stdout().strip());
    }

    /**
     * Runs a command inside a namespace to completion.
     *
     * @param ns      the namespace
     * @param command the command
     * @return its outcome
     */
    public Cmd.Result exec(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return Cmd.run(full);
    }

    /**
     * Starts a long-running command inside a namespace; {@link #close()} kills it.
     *
     * @param ns      the namespace
     * @param log     where its output goes
     * @param command the command
     * @return the process
     */
    public synchronized Process spawn(String ns, Path log, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + full, e);
        }
    }

    /**
     * Writes an executable script (e.g. a Python or shell client) to a temporary file.
     *
     * @param dir    where
     * @param name   file name
     * @param text   its content
     * @return the file
     */
    public static Path script(Path dir, String name, String text) {
        try {
            Path p = Files.writeString(dir.resolve(name), text);
            p.toFile().setExecutable(true);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        for (String ns : new String[] {a, b}) {
            Cmd.run(List.of("ip", "netns", "pids", ns)).stdout().lines()
                    .forEach(pid -> Cmd.run(List.of("kill", "-9", pid.strip())));
            Cmd.run(List.of("ip", "netns", "del", ns));
        }
    }
}
