package org.cartograph.metadata.tagger.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Network namespace inode → container ids, learned from {@code /proc}: every process whose
 * {@code ns/net} is not the host's has its {@code cgroup} file read, and the container id found
 * there is recorded for that namespace. Several ids for one namespace are a pod (or containers
 * sharing a network, {@code --network container:x}).
 *
 * <p>{@link #lookup} (the pipeline thread) reads an immutable {@link NetnsTable}: no I/O, no
 * allocation. A namespace not in the table asks for a rescan, done by the resolver thread
 * ({@link #scanIfDue}) at most once per {@code minRescan}; otherwise the table is rebuilt every
 * refresh period. Namespaces without container processes, and namespaces asked for that no
 * process lives in (until the next periodic rebuild), are remembered as such and cause no
 * rescans. At most {@code maxEntries} namespaces are held; the rest are counted as overflow.
 */
final class NetnsContainers {

    private final Path procRoot;
    private final int maxEntries;
    private final long refreshNanos;
    private final long minRescanNanos;
    private volatile NetnsTable table = NetnsTable.EMPTY;
    private volatile long hostNetns;
    /** The last namespace a lookup did not find, 0 once a scan has handled it. */
    private volatile long unknown;
    /** Touched by the resolver thread only. */
    private long lastScan = System.nanoTime() - Long.MAX_VALUE / 2;
    /** Namespaces asked for that no process lives in; touched by the resolver thread only, cleared by periodic scans. */
    private final Set<Long> misses = new HashSet<>();
    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong overflow = new AtomicLong();

    /**
     * @param procRoot      where the host's {@code /proc} is mounted
     * @param maxEntries    bound on namespaces held
     * @param refreshMillis how often the table is rebuilt anyway
     * @param minRescanMillis least time between two scans asked for by unknown namespaces
     */
    NetnsContainers(Path procRoot, int maxEntries, long refreshMillis, long minRescanMillis) {
        this.procRoot = procRoot;
        this.maxEntries = maxEntries;
        this.refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMillis);
        this.minRescanNanos = TimeUnit.MILLISECONDS.toNanos(minRescanMillis);
    }

    /**
     * Never blocks, does no I/O, allocates nothing.
     *
     * @param netns a namespace inode from a flow
     * @return the container ids whose processes live in it ({@link NetnsTable#NONE} for the
     *         host's namespace and namespaces without container processes), or null when not
     *         known yet
     */
    String[] lookup(long netns) {
        if (netns == 0 || netns == hostNetns) {
            return NetnsTable.NONE;
        }
        String[] ids = table.get(netns);
        if (ids == null && unknown != netns) {
            unknown = netns;
        }
        return ids;
    }

    /**
     * Scans now if the refresh period passed, or if an unknown namespace asked for it and the
     * last scan is older than the least rescan interval. Resolver thread only.
     */
    void scanIfDue() {
        long since = System.nanoTime() - lastScan;
        if (since >= refreshNanos) {
            misses.clear();
            scan();
        } else if (unknown != 0 && since >= minRescanNanos) {
            scan();
        }
    }

    /** Rebuilds the table from {@code /proc} on the caller's thread (the resolver thread). */
    void scan() {
        long wanted = unknown;
        unknown = 0;
        long host = readNetns(procRoot.resolve("1/ns/net"));
        Map<Long, Set<String>> found = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(procRoot)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!isPid(name)) {
                    continue;
                }
                long ns = readNetns(dir.resolve("ns/net"));
                if (ns == 0 || ns == host) {
                    continue;
                }
                Set<String> ids = found.get(ns);
                if (ids == null) {
                    if (found.size() >= maxEntries) {
                        overflow.incrementAndGet();
                        continue;
                    }
                    ids = new LinkedHashSet<>();
                    found.put(ns, ids);
                }
                String id = containerId(dir);
                if (id != null) {
                    ids.add(id);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable /proc leaves the last table in place
            lastScan = System.nanoTime();
            return;
        }
        if (wanted != 0 && wanted != host && !found.containsKey(wanted) && misses.size() < maxEntries) {
            misses.add(wanted);
        }
        Map<Long, String[]> entries = new HashMap<>(found.size() * 2);
        found.forEach((ns, ids) -> entries.put(ns, ids.toArray(String[]::new)));
        misses.forEach(ns -> entries.putIfAbsent(ns, NetnsTable.NONE));
        hostNetns = host;
        table = new NetnsTable(entries);
        scans.incrementAndGet();
        lastScan = System.nanoTime();
    }

    private static String containerId(Path pidDir) {
        try {
            return CgroupPaths.containerId(Files.readString(pidDir.resolve("cgroup"), StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * @param link a {@code /proc/<pid>/ns/net} link
     * @return the inode in its target {@code net:[inode]}, or 0 when unreadable
     */
    static long readNetns(Path link) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            int open = target.indexOf('[');
            int close = target.indexOf(']');
            return open >= 0 && close > open ? Long.parseLong(target, open + 1, close, 10) : 0;
        } catch (IOException | NumberFormatException | UnsupportedOperationException | SecurityException e) {
            return 0;
        }
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** @return namespaces in the table */
    int size() {
        return table.size();
    }

    /** @return scans done */
    long scanCount() {
        return scans.get();
    }

    /** @return namespaces left out because the table was full */
    long overflowCount() {
        return overflow.get();
    }
}
