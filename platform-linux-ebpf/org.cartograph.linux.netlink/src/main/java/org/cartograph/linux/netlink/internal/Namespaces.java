package org.cartograph.linux.netlink.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the host's network namespaces: every {@code /proc/PID/ns/net} and every file under
 * {@code /var/run/netns}, one path per namespace inode. Runs off the hot path.
 */
public final class Namespaces {

    private final Path proc;
    private final Path named;

    /**
     * @param proc  the {@code /proc} directory
     * @param named the directory of named namespaces ({@code /var/run/netns})
     */
    public Namespaces(Path proc, Path named) {
        this.proc = proc;
        this.named = named;
    }

    /** @return namespace inode → a file that opens it (named namespaces first, then one process per namespace) */
    public Map<Long, Path> scan() {
        Map<Long, Path> found = new LinkedHashMap<>();
        if (Files.isDirectory(named)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(named)) {
                for (Path f : files) {
                    long inode = inode(f);
                    if (inode != 0) {
                        found.putIfAbsent(inode, f);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a namespace list we cannot read leaves only what /proc shows
            }
        }
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path pid : pids) {
                Path ns = pid.resolve("ns/net");
                try {
                    String link = Files.readSymbolicLink(ns).toString();
                    if (link.startsWith("net:[") && link.endsWith("]")) {
                        found.putIfAbsent(Long.parseLong(link, 5, link.length() - 1, 10), ns);
                    }
                } catch (IOException | RuntimeException e) {
                    // the process exited or hides its namespace
                }
            }
        } catch (IOException e) {
            // no /proc: only the agent's namespace is seen
        }
        return found;
    }

    private static long inode(Path f) {
        try {
            return ((Number) Files.getAttribute(f, "unix:ino")).longValue();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
