package org.cartograph.dns.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the capture: a namespace thread ({@value #NETNS_THREAD}) that scans for network
 * namespaces and opens one filtered socket in each new one (it is the only thread that switches
 * namespace), and a capture thread ({@value #CAPTURE_THREAD}) that polls every socket, feeds
 * packets to the {@link DnsEngine} with their kernel timestamps, expires timeouts and closes the
 * sockets of namespaces that went away. Nothing escapes the capture loop: socket failures close
 * that socket (the next scan reopens it), anything else is counted.
 */
public final class DnsCapture implements AutoCloseable {

    static final String NETNS_THREAD = "cartograph-dns-netns";
    static final String CAPTURE_THREAD = "cartograph-dns-capture";
    private static final Logger LOG = LoggerFactory.getLogger(DnsCapture.class);
    private static final int POLL_MILLIS = 100;
    private static final int BURST = 256;

    /** A socket opened by the namespace thread, handed to the capture thread. */
    private record Opened(long inode, String where, DnsSocket socket) {
    }

    /** What status shows about one watched namespace. */
    public record Watched(long inode, String where) {
    }

    private final DnsSockets sockets;
    private final DnsEngine engine;
    private final ReverseCache reverse;
    private final NamespaceSource scanner;
    private final int[] ports;
    private final ScheduledExecutorService netns;
    private final Thread capture;
    private final ConcurrentLinkedQueue<Opened> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> gone = new ConcurrentLinkedQueue<>();
    /** Inodes with an open (or handed-over) socket; namespace thread only, plus forget() from capture. */
    private final Map<Long, String> known = new ConcurrentHashMap<>();
    private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final AtomicLong openFailures = new AtomicLong();
    private final AtomicLong socketErrors = new AtomicLong();
    private final AtomicLong loopErrors = new AtomicLong();
    private final AtomicLong kernelDrops = new AtomicLong();
    private final AtomicLong scans = new AtomicLong();
    /** Written by the capture thread only. */
    private volatile long fallbacks;
    private volatile boolean running = true;
    private volatile String ownNamespaceError;

    /**
     * Starts both threads.
     *
     * @param sockets        the native sockets
     * @param engine         where packets go
     * @param reverse        the reverse cache (expired now and then)
     * @param scanner        finds namespaces
     * @param ports          DNS ports
     * @param refreshMillis  how often to look for new namespaces
     */
    public DnsCapture(DnsSockets sockets, DnsEngine engine, ReverseCache reverse, NamespaceSource scanner,
                      int[] ports, long refreshMillis) {
        this.sockets = sockets;
        this.engine = engine;
        this.reverse = reverse;
        this.scanner = scanner;
        this.ports = ports.clone();
        this.netns = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, NETNS_THREAD);
            t.setDaemon(true);
            return t;
        });
        this.capture = Thread.ofPlatform().name(CAPTURE_THREAD).daemon(true).unstarted(this::loop);
        netns.scheduleWithFixedDelay(this::scan, 0, refreshMillis, TimeUnit.MILLISECONDS);
        capture.start();
    }

    private void scan() {
        try {
            Map<Long, Path> now = scanner.scan();
            for (Map.Entry<Long, Path> e : now.entrySet()) {
                if (!running || known.containsKey(e.getKey())) {
                    continue;
                }
                String where = e.getValue() == null ? "self" : e.getValue().toString();
                try {
                    DnsSocket s = sockets.open(e.getValue(), ports);
                    known.put(e.getKey(), where);
                    added.add(new Opened(e.getKey(), where, s));
                    failures.remove(where);
                    if (e.getValue() == null) {
                        ownNamespaceError = null;
                    }
                } catch (NativeException ex) {
                    openFailures.incrementAndGet();
                    failures.put(where, ex.getMessage());
                    if (e.getValue() == null) {
                        ownNamespaceError = ex.getMessage();
                        LOG.warn("cannot capture DNS in the agent's network namespace: {}", ex.getMessage());
                    } else {
                        LOG.debug("cannot capture DNS in namespace {}: {}", where, ex.getMessage());
                    }
                }
            }
            for (Long ino : List.copyOf(known.keySet())) {
                if (!now.containsKey(ino)) {
                    known.remove(ino);
                    gone.add(ino);
                }
            }
            failures.keySet().removeIf(w -> !w.equals("self") && now.values().stream()
                    .noneMatch(p -> p != null && p.toString().equals(w)));
            scans.incrementAndGet();
        } catch (RuntimeException e) {
            loopErrors.incrementAndGet();
            LOG.warn("DNS namespace scan failed: {}", e.toString());
        }
    }

    private void loop() {
        DnsSocket[] active = new DnsSocket[16];
        long[] inodes = new long[16];
        int count = 0;
        byte[] buf = new byte[65536];
        long lastHousekeeping = 0;
        while (running) {
            try {
                for (Long ino; (ino = gone.poll()) != null; ) {
                    for (int i = 0; i < count; i++) {
                        if (inodes[i] == ino) {
                            count = drop(active, inodes, count, i);
                            break;
                        }
                    }
                }
                for (Opened o; (o = added.poll()) != null; ) {
                    if (count == active.length) {
                        active = java.util.Arrays.copyOf(active, count * 2);
                        inodes = java.util.Arrays.copyOf(inodes, count * 2);
                    }
                    active[count] = o.socket();
                    inodes[count++] = o.inode();
                    watched.put(o.inode(), new Watched(o.inode(), o.where()));
                }
                int ready = sockets.await(active, count, POLL_MILLIS);
                for (int i = 0; ready > 0 && i < count; i++) {
                    DnsSocket s = active[i];
                    try {
                        for (int k = 0; k < BURST; k++) {
                            int n = s.receive(buf);
                            if (n == 0) {
                                break;
                            }
                            long stamp = s.lastTimestampNanos();
                            if (stamp == 0) {
                                stamp = wallNanos();
                                fallbacks++;
                            }
                            engine.onPacket(buf, n, stamp);
                        }
                    } catch (NativeException e) {
                        socketErrors.incrementAndGet();
                        LOG.warn("DNS socket in {} failed, reopening it on the next scan: {}",
                                watched.get(inodes[i]), e.getMessage());
                        known.remove(inodes[i]);
                        count = drop(active, inodes, count, i);
                        i--;
                    }
                }
                long now = wallNanos();
                engine.expire(now);
                if (now - lastHousekeeping > 1_000_000_000L) {
                    lastHousekeeping = now;
                    reverse.expire(now);
                    for (int i = 0; i < count; i++) {
                        try {
                            kernelDrops.addAndGet(active[i].takeKernelDrops());
                        } catch (NativeException e) {
                            socketErrors.incrementAndGet();
                        }
                    }
                }
            } catch (NativeException | RuntimeException e) {
                loopErrors.incrementAndGet();
                LOG.warn("DNS capture loop error (continuing): {}", e.toString());
                java.util.concurrent.locks.LockSupport.parkNanos(POLL_MILLIS * 1_000_000L);
            }
        }
        for (int i = 0; i < count; i++) {
            active[i].close();
        }
        for (Opened o; (o = added.poll()) != null; ) {
            o.socket().close();
        }
        watched.clear();
    }

    private int drop(DnsSocket[] active, long[] inodes, int count, int i) {
        active[i].close();
        watched.remove(inodes[i]);
        active[i] = active[count - 1];
        inodes[i] = inodes[count - 1];
        active[count - 1] = null;
        return count - 1;
    }

    /** @return the wall clock in nanoseconds, the clock of the kernel's packet timestamps */
    public static long wallNanos() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /** @return the namespaces with an open socket, by inode */
    public Map<Long, Watched> watched() {
        return new TreeMap<>(watched);
    }

    /** @return namespaces that could not be watched, with the reason */
    public Map<String, String> failures() {
        return new TreeMap<>(failures);
    }

    /** @return why the agent's own namespace cannot be watched, or null */
    public String ownNamespaceError() {
        return ownNamespaceError;
    }

    /** @return whether at least one scan finished */
    public boolean scanned() {
        return scans.get() > 0;
    }

    /** @return capture counters */
    public Map<String, Long> counters() {
        Map<String, Long> c = new HashMap<>();
        c.put("namespaces_watched", (long) watched.size());
        c.put("namespace_open_failures", openFailures.get());
        c.put("socket_errors", socketErrors.get());
        c.put("loop_errors", loopErrors.get());
        c.put("kernel_drops", kernelDrops.get());
        c.put("timestamp_fallbacks", fallbacks);
        c.put("namespace_scans", scans.get());
        return c;
    }

    /** Stops both threads and closes every socket. */
    @Override
    public void close() {
        running = false;
        netns.shutdownNow();
        try {
            netns.awaitTermination(5, TimeUnit.SECONDS);
            capture.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Opened> rest = new ArrayList<>();
        for (Opened o; (o = added.poll()) != null; ) {
            rest.add(o);
        }
        rest.forEach(o -> o.socket().close());
    }
}
