package org.cartograph.dns.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lists the network namespaces worth watching, by inode: the agent's own (path null), the named
 * ones under {@code /var/run/netns} (ip netns, CNI plugins) and those of running processes
 * ({@code /proc/PID/ns/net}: containers). Reads only procfs and a tmpfs directory.
 */
public final class NamespaceScanner implements NamespaceSource {

    private final Path proc;
    private final Path named;
    private final boolean all;

    /**
     * @param proc  the procfs mount, {@code /proc}
     * @param named the named-namespace directory, {@code /var/run/netns}
     * @param all   also named and process namespaces; otherwise only the own one
     */
    public NamespaceScanner(Path proc, Path named, boolean all) {
        this.proc = proc;
        this.named = named;
        this.all = all;
    }

    /** @return inode → a path that opens the namespace (null for the own namespace), own first */
    @Override
    public Map<Long, Path> scan() {
        Map<Long, Path> out = new LinkedHashMap<>();
        long own = inode(proc.resolve("self/ns/net"));
        if (own != 0) {
            out.put(own, null);
        }
        if (!all) {
            return out;
        }
        if (Files.isDirectory(named)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(named)) {
                for (Path p : dir) {
                    long ino = fileInode(p);
                    if (ino != 0 && !out.containsKey(ino)) {
                        out.put(ino, p);
                    }
                }
            } catch (IOException e) {
                // a vanished directory just means no named namespaces
            }
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
            for (Path p : dir) {
                Path ns = p.resolve("ns/net");
                long ino = inode(ns);
                if (ino != 0 && !out.containsKey(ino)) {
                    out.put(ino, ns);
                }
            }
        } catch (IOException e) {
            // procfs unreadable: only what was found so far
        }
        return out;
    }

    /** @return the inode of a {@code ns/net} link ({@code net:[4026531840]}), 0 if unreadable */
    static long inode(Path nsLink) {
        try {
            String target = Files.readSymbolicLink(nsLink).toString();
            int open = target.indexOf('[');
            int close = target.indexOf(']');
            return open >= 0 && close > open ? Long.parseLong(target.substring(open + 1, close)) : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long fileInode(Path p) {
        try {
            Object ino = Files.getAttribute(p, "unix:ino");
            return ino instanceof Long l ? l : 0;
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
