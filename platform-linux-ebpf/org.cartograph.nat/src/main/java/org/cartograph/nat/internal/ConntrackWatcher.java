package org.cartograph.nat.internal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.cartograph.linux.netlink.Conntrack;
import org.cartograph.linux.netlink.ConntrackEntry;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkOverrunException;
import org.cartograph.linux.netlink.NetlinkSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link NatTable} in step with conntrack in every watched network namespace: one socket
 * per namespace joined to the NEW, UPDATE and DESTROY groups, then a dump of the table (events
 * first, so nothing falls between the two). When the kernel drops messages (ENOBUFS) the namespace
 * is dumped again (at most once per {@link #RESYNC_GAP_MILLIS}, so a storm of drops does not become
 * a storm of dumps) and what the dump no longer holds is removed; each resync is counted. Runs
 * on its own thread; one {@code poll(2)} over all sockets.
 */
final class ConntrackWatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConntrackWatcher.class);
    /** Least time between two resyncs of one namespace, so an event storm cannot turn into a dump storm. */
    static final long RESYNC_GAP_MILLIS = 2000;

    private final NetlinkOpener opener;
    private final NatTable table;
    private final Supplier<Map<Long, Path>> namespaces;
    private final int receiveBuffer;
    private final long graceMillis;
    private final long rescanMillis;
    private final Conntrack conntrack = new Conntrack();
    private final Map<Long, Path> watched = new HashMap<>();
    /** Namespace → when it was last dumped after an overrun; resyncs are at most one per {@link #RESYNC_GAP_MILLIS}. */
    private final Map<Long, Long> lastResync = new HashMap<>();
    /** Namespaces whose resync waits for the gap to pass. */
    private final java.util.Set<Long> pendingResync = new java.util.HashSet<>();
    private final List<NetlinkSocket> sockets = new ArrayList<>();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private volatile boolean stopped;
    private volatile boolean synced;
    private volatile String lastError = "";
    private long generation;
    private long currentNetns;

    ConntrackWatcher(NetlinkOpener opener, NatTable table, Supplier<Map<Long, Path>> namespaces, int receiveBuffer,
                     long graceMillis, long rescanMillis) {
        this.opener = opener;
        this.table = table;
        this.namespaces = namespaces;
        this.receiveBuffer = receiveBuffer;
        this.graceMillis = graceMillis;
        this.rescanMillis = rescanMillis;
    }

    void stop() {
        stopped = true;
    }

    long resyncs() {
        return resyncs.get();
    }

    long errors() {
        return errors.get();
    }

    long events() {
        return events.get();
    }

    int namespaces() {
        return watched.size();
    }

    /** @return whether every watched namespace has been dumped once */
    boolean synced() {
        return synced;
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void run() {
        long nextScan = 0;
        NetlinkSocket[] array = new NetlinkSocket[0];
        boolean[] ready = new boolean[0];
        try {
            while (!stopped) {
                long now = System.currentTimeMillis();
                if (now >= nextScan) {
                    if (reconcile(namespaces.get())) {
                        array = sockets.toArray(NetlinkSocket[]::new);
                        ready = new boolean[array.length];
                    }
                    synced = true;
                    nextScan = now + rescanMillis;
                    table.expire(now - graceMillis);
                }
                if (!pendingResync.isEmpty()) {
                    resyncDue(now);
                }
                if (array.length == 0 || opener.poll(array, array.length, 200, ready) == 0) {
                    continue;
                }
                for (int i = 0; i < array.length; i++) {
                    if (ready[i]) {
                        drain(array[i]);
                    }
                }
            }
        } catch (NetlinkException | RuntimeException e) {
            errors.incrementAndGet();
            lastError = e.getMessage();
            LOG.warn("conntrack watcher stopped: {}", e.getMessage());
        } finally {
            sockets.forEach(NetlinkSocket::close);
            sockets.clear();
        }
    }

    /** @return whether the socket list changed */
    boolean reconcile(Map<Long, Path> current) {
        boolean changed = sockets.removeIf(s -> {
            if (!current.containsKey(s.netns())) {
                s.close();
                watched.remove(s.netns());
                pendingResync.remove(s.netns());
                lastResync.remove(s.netns());
                table.forget(s.netns());
                return true;
            }
            return false;
        });
        for (Map.Entry<Long, Path> e : current.entrySet()) {
            if (watched.containsKey(e.getKey())) {
                continue;
            }
            try {
                NetlinkSocket s = opener.open(NetlinkOpener.NETFILTER,
                        Conntrack.GROUP_NEW | Conntrack.GROUP_UPDATE | Conntrack.GROUP_DESTROY, e.getValue(),
                        receiveBuffer, 200);
                sockets.add(s);
                watched.put(e.getKey(), e.getValue());
                changed = true;
                dump(e.getKey(), e.getValue());
            } catch (NetlinkException ex) {
                errors.incrementAndGet();
                lastError = e.getValue() + ": " + ex.getMessage();
            }
        }
        return changed;
    }

    /** Dumps one namespace's table into the NAT table and removes what it no longer holds. */
    void dump(long netns, Path path) throws NetlinkException {
        long gen = ++generation;
        try (NetlinkSocket s = opener.open(NetlinkOpener.NETFILTER, 0, path, receiveBuffer, 2000)) {
            conntrack.requestDump(s);
            boolean done = false;
            while (!done) {
                ByteBuffer b = s.receive();
                if (!b.hasRemaining()) {
                    throw new NetlinkException("recvfrom", 0, "conntrack dump timed out");
                }
                done = conntrack.read(b, e -> table.put(netns, e, gen));
            }
        }
        table.sweep(netns, gen);
    }

    private void drain(NetlinkSocket socket) {
        currentNetns = socket.netns();
        try {
            ByteBuffer b = socket.receive();
            conntrack.read(b, this::event);
        } catch (NetlinkOverrunException e) {
            pendingResync.add(socket.netns());
            resyncDue(System.currentTimeMillis());
        } catch (NetlinkException e) {
            errors.incrementAndGet();
            lastError = e.getMessage();
        }
    }

    private void resyncDue(long now) {
        for (java.util.Iterator<Long> it = pendingResync.iterator(); it.hasNext();) {
            long netns = it.next();
            Long last = lastResync.get(netns);
            if (last != null && now - last < RESYNC_GAP_MILLIS) {
                continue;
            }
            it.remove();
            lastResync.put(netns, now);
            Path path = watched.get(netns);
            if (path == null) {
                continue;
            }
            resyncs.incrementAndGet();
            try {
                dump(netns, path);
            } catch (NetlinkException ex) {
                errors.incrementAndGet();
                lastError = "resync: " + ex.getMessage();
            }
        }
    }

    private void event(ConntrackEntry e) {
        events.incrementAndGet();
        if (e.kind() == ConntrackEntry.Kind.DESTROY) {
            table.destroyed(currentNetns, e, System.currentTimeMillis());
        } else {
            table.put(currentNetns, e, generation);
        }
    }
}
