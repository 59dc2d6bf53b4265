package org.cartograph.capture.netlink.internal;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.flow.Direction;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkSocket;

/**
 * Reads every open TCP connection of every watched network namespace through one sock_diag socket
 * per namespace, into one reused {@link NetlinkView}. Called on the core's pipeline thread only
 * (the namespace map and process table it reads are published by the backend's scan thread).
 */
final class SockDiagPoller implements AutoCloseable {

    private final NetlinkOpener opener;
    private final SockDiag diag = new SockDiag();
    private final NetlinkView view = new NetlinkView();
    private final SeenTuples seen;
    /** Pipeline thread only: namespace inode → its sock_diag socket. */
    private final Map<Long, NetlinkSocket> sockets = new HashMap<>();
    /** Written by the pipeline thread, read by the conntrack thread: netns → listening TCP port bits. */
    private final Map<Long, long[]> listeners = new ConcurrentHashMap<>();
    /** Written by the pipeline thread, read by the conntrack thread: netns → bound UDP port bits. */
    private final Map<Long, long[]> udpBound = new ConcurrentHashMap<>();
    private long[] scratch = new long[1024];
    private ConnectionVisitor visitor;
    private ProcessTable processes = ProcessTable.EMPTY;
    private boolean first = true;
    private boolean unknownInodes;
    private long now;
    private int visited;
    private String lastError = "";

    SockDiagPoller(NetlinkOpener opener, SeenTuples seen) {
        this.opener = opener;
        this.seen = seen;
    }

    /**
     * Opens sockets for new namespaces and closes those of vanished ones.
     *
     * @param namespaces inode → namespace file, as last scanned
     */
    void watch(Map<Long, Path> namespaces) {
        for (Iterator<Map.Entry<Long, NetlinkSocket>> it = sockets.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Long, NetlinkSocket> e = it.next();
            if (!namespaces.containsKey(e.getKey())) {
                e.getValue().close();
                listeners.remove(e.getKey());
                udpBound.remove(e.getKey());
                it.remove();
            }
        }
        for (Map.Entry<Long, Path> e : namespaces.entrySet()) {
            if (!sockets.containsKey(e.getKey())) {
                try {
                    sockets.put(e.getKey(), opener.open(NetlinkOpener.SOCK_DIAG, 0, e.getValue(), 1 << 20, 2000));
                } catch (NetlinkException ex) {
                    lastError = e.getValue() + ": " + ex.getMessage();
                }
            }
        }
    }

    /** @return namespaces watched */
    int namespaces() {
        return sockets.size();
    }

    /** @return the last namespace that could not be opened, empty if none */
    String lastError() {
        return lastError;
    }

    /** @return whether the last snapshot met sockets whose process is not yet known */
    boolean unknownInodes() {
        return unknownInodes;
    }

    /**
     * @param netns    a namespace
     * @param protocol 6 (TCP) or 17 (UDP)
     * @param port     a local port
     * @return whether a TCP socket listens on the port (UDP: a socket is bound to it), as of the last snapshot
     */
    boolean listening(long netns, int protocol, int port) {
        long[] bits = (protocol == SockDiag.IPPROTO_UDP ? udpBound : listeners).get(netns);
        return bits != null && (bits[port >>> 6] & (1L << port)) != 0;
    }

    /**
     * Visits every open TCP connection.
     *
     * @param target    the core's visitor
     * @param table     the current inode → process table
     * @param udp       whether bound UDP ports are wanted (to tell the direction of UDP conntrack entries)
     * @param ipv6      whether IPv6 sockets are wanted
     * @param timestamp the time, for the seen set
     * @return connections visited
     * @throws NetlinkException if a namespace cannot be read
     */
    int snapshot(ConnectionVisitor target, ProcessTable table, boolean udp, boolean ipv6, long timestamp) throws NetlinkException {
        visitor = target;
        processes = table;
        now = timestamp;
        visited = 0;
        unknownInodes = false;
        for (Map.Entry<Long, NetlinkSocket> e : sockets.entrySet()) {
            NetlinkSocket s = e.getValue();
            java.util.Arrays.fill(scratch, 0);
            diag.dump(s, SockDiag.AF_INET, SockDiag.IPPROTO_TCP, SockDiag.LISTEN_STATES, view, this::listener);
            if (ipv6) {
                diag.dump(s, SockDiag.AF_INET6, SockDiag.IPPROTO_TCP, SockDiag.LISTEN_STATES, view, this::listener);
            }
            publish(listeners, e.getKey());
            if (udp) {
                java.util.Arrays.fill(scratch, 0);
                diag.dump(s, SockDiag.AF_INET, SockDiag.IPPROTO_UDP, SockDiag.UDP_STATES, view, this::listener);
                if (ipv6) {
                    diag.dump(s, SockDiag.AF_INET6, SockDiag.IPPROTO_UDP, SockDiag.UDP_STATES, view, this::listener);
                }
                publish(udpBound, e.getKey());
                java.util.Arrays.fill(scratch, 0);
                publishedTcp(e.getKey());
            }
            diag.dump(s, SockDiag.AF_INET, SockDiag.IPPROTO_TCP, SockDiag.CONNECTION_STATES, view, this::connection);
            if (ipv6) {
                diag.dump(s, SockDiag.AF_INET6, SockDiag.IPPROTO_TCP, SockDiag.CONNECTION_STATES, view, this::connection);
            }
        }
        first = false;
        visitor = null;
        return visited;
    }

    private void publish(Map<Long, long[]> into, long netns) {
        long[] bits = into.get(netns);
        if (bits == null) {
            bits = new long[1024];
        }
        System.arraycopy(scratch, 0, bits, 0, bits.length);
        into.putIfAbsent(netns, bits);
    }

    private void publishedTcp(long netns) {
        System.arraycopy(listeners.get(netns), 0, scratch, 0, scratch.length);
    }

    private void listener(NetlinkView v) {
        scratch[v.localPort >>> 6] |= 1L << v.localPort;
    }

    private void connection(NetlinkView v) {
        long[] bits = scratch;
        v.direction = (bits[v.localPort >>> 6] & (1L << v.localPort)) != 0 ? Direction.INCOMING : Direction.OUTGOING;
        int slot = processes.find(v.inode);
        if (slot >= 0) {
            v.pid = processes.pid(slot);
            v.processName = processes.name(slot);
        } else if (v.inode != 0) {
            unknownInodes = true;
        }
        v.preexisting = first;
        seen.put(SeenTuples.hash(v.netns, 6, v.localHigh, v.localLow, v.localPort, v.remoteHigh, v.remoteLow,
                v.remotePort), now);
        visited++;
        visitor.visit(v);
    }

    @Override
    public void close() {
        sockets.values().forEach(NetlinkSocket::close);
        sockets.clear();
        listeners.clear();
        udpBound.clear();
    }
}
