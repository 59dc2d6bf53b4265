package org.cartograph.metadata.tagger.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded cache of pid → container id, filled off the hot path. {@link #lookup} (the
 * pipeline thread) is one hash lookup: a pid never seen is queued for the resolver thread and
 * answers "unknown" until resolved. The resolver thread ({@link #runResolver}) reads
 * {@code /proc/<pid>/cgroup}, and every refresh period re-reads live pids (pids are reused) and
 * forgets dead ones. When the cache is full, new pids are not cached and are counted.
 */
final class PidContainers {

    /** Marks a pid that runs on the host, outside any container. */
    static final String HOST = "";
    /** Longest wait of the resolver loop between two ticks. */
    static final long TICK_MILLIS = 250;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /** Marks a pid queued for resolution. */
    private static final String PENDING = "\0pending";

    private final Path procRoot;
    private final int maxEntries;
    private final long refreshNanos;
    private final Map<Integer, String> cache = new ConcurrentHashMap<>();
    private final BlockingQueue<Integer> queue;
    private final AtomicLong resolved = new AtomicLong();
    private final AtomicLong overflow = new AtomicLong();

    /**
     * @param procRoot   where the host's {@code /proc} is mounted
     * @param maxEntries bound on cached pids
     * @param refreshMillis how often live pids are re-read
     */
    PidContainers(Path procRoot, int maxEntries, long refreshMillis) {
        this.procRoot = procRoot;
        this.maxEntries = maxEntries;
        this.refreshNanos = TimeUnit.MILLISECONDS.toNanos(refreshMillis);
        this.queue = new ArrayBlockingQueue<>(Math.max(16, Math.min(maxEntries, 65_536)));
    }

    /**
     * Never blocks and does no I/O.
     *
     * @param pid a process id
     * @return its container id, {@link #HOST} when it runs outside a container, or null when not
     *         known yet
     */
    String lookup(int pid) {
        String id = cache.get(pid);
        if (id == null) {
            if (cache.size() >= maxEntries) {
                overflow.incrementAndGet();
                return null;
            }
            if (cache.putIfAbsent(pid, PENDING) == null && !queue.offer(pid)) {
                cache.remove(pid, PENDING);
                overflow.incrementAndGet();
            }
            return null;
        }
        return id == PENDING ? null : id;
    }

    /**
     * The resolver loop; returns when interrupted.
     *
     * @param tick run on this thread after every queued pid and at least every {@value #TICK_MILLIS} ms
     */
    void runResolver(Runnable tick) {
        long nextRefresh = System.nanoTime() + refreshNanos;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long wait = Math.max(1, Math.min(TICK_NANOS, nextRefresh - System.nanoTime()));
                Integer pid = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (pid != null) {
                    resolve(pid);
                }
                if (System.nanoTime() - nextRefresh >= 0) {
                    refresh();
                    nextRefresh = System.nanoTime() + refreshNanos;
                }
                tick.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Re-reads every cached pid; forgets those that exited. */
    void refresh() {
        List<Integer> pids = new ArrayList<>(cache.keySet());
        for (Integer pid : pids) {
            if (cache.get(pid) != PENDING) {
                resolve(pid);
            }
        }
    }

    /**
     * Reads one pid's cgroup file now, on the caller's thread.
     *
     * @param pid a process id
     */
    void resolve(int pid) {
        try {
            String text = Files.readString(procRoot.resolve(Integer.toString(pid)).resolve("cgroup"),
                    StandardCharsets.UTF_8);
            String id = CgroupPaths.containerId(text);
            cache.put(pid, id == null ? HOST : id);
            resolved.incrementAndGet();
        } catch (NoSuchFileException e) {
            cache.remove(pid);
        } catch (IOException | RuntimeException e) {
            cache.put(pid, HOST);
        }
    }

    /** @return pids cached */
    int size() {
        return cache.size();
    }

    /** @return cgroup files read */
    long resolvedCount() {
        return resolved.get();
    }

    /** @return pids not cached because the cache or queue was full */
    long overflowCount() {
        return overflow.get();
    }
}
