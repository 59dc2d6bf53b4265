package org.cartograph.capture.netlink.internal;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.Conntrack;
import org.cartograph.linux.netlink.ConntrackEntry;
import org.cartograph.linux.netlink.NetlinkException;
import org.cartograph.linux.netlink.NetlinkOpener;
import org.cartograph.linux.netlink.NetlinkOverrunException;
import org.cartograph.linux.netlink.NetlinkSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns conntrack destroy events (with {@code nf_conntrack_acct} counters) of every watched
 * namespace into closed connections, for connections sock_diag never saw open (they opened and
 * closed between two polls, or are UDP). Runs on its own thread; one {@code poll(2)} over one
 * destroy-group socket per namespace.
 */
final class ConntrackClosed implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ConntrackClosed.class);
    private static final int ASSURED = 0x4;
    /** {@code TCP_CONNTRACK_SYN_SENT}. */
    private static final int CT_SYN_SENT = 1;
    /** {@code TCP_CONNTRACK_CLOSE}. */
    private static final int CT_CLOSE = 8;

    private final NetlinkOpener opener;
    private final SeenTuples seen;
    private final SockDiagPoller poller;
    private final ClosedConnectionBuffer buffer;
    private final Supplier<Map<Long, Path>> namespaces;
    private final NetlinkView view = new NetlinkView();
    private final Conntrack conntrack = new Conntrack();
    private final AtomicLong reported = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final List<NetlinkSocket> sockets = new ArrayList<>();
    private volatile boolean stopped;
    private volatile String lastError = "";
    private long currentNetns;

    ConntrackClosed(NetlinkOpener opener, SeenTuples seen, SockDiagPoller poller, ClosedConnectionBuffer buffer,
                    Supplier<Map<Long, Path>> namespaces) {
        this.opener = opener;
        this.seen = seen;
        this.poller = poller;
        this.buffer = buffer;
        this.namespaces = namespaces;
    }

    void stop() {
        stopped = true;
    }

    long reported() {
        return reported.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long overruns() {
        return overruns.get();
    }

    long errors() {
        return errors.get();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void run() {
        Map<Long, Path> watched = null;
        NetlinkSocket[] array = new NetlinkSocket[0];
        boolean[] ready = new boolean[0];
        try {
            while (!stopped) {
                Map<Long, Path> current = namespaces.get();
                if (current != watched) {
                    watched = current;
                    reconcile(current);
                    array = sockets.toArray(NetlinkSocket[]::new);
                    ready = new boolean[array.length];
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
            LOG.warn("conntrack destroy events stopped: {}", e.getMessage());
        } finally {
            sockets.forEach(NetlinkSocket::close);
            sockets.clear();
        }
    }

    private void reconcile(Map<Long, Path> current) {
        sockets.removeIf(s -> {
            if (!current.containsKey(s.netns())) {
                s.close();
                return true;
            }
            return false;
        });
        for (Map.Entry<Long, Path> e : current.entrySet()) {
            if (sockets.stream().noneMatch(s -> s.netns() == e.getKey())) {
                try {
                    sockets.add(opener.open(NetlinkOpener.NETFILTER, Conntrack.GROUP_DESTROY, e.getValue(), 4 << 20, 200));
                } catch (NetlinkException ex) {
                    errors.incrementAndGet();
                    lastError = e.getValue() + ": " + ex.getMessage();
                }
            }
        }
    }

    private void drain(NetlinkSocket socket) {
        currentNetns = socket.netns();
        try {
            ByteBuffer b = socket.receive();
            conntrack.read(b, this::destroyed);
        } catch (NetlinkOverrunException e) {
            overruns.incrementAndGet();
        } catch (NetlinkException e) {
            errors.incrementAndGet();
            lastError = e.getMessage();
        }
    }

    /**
     * The failure a destroyed TCP entry shows: refused (conntrack kills an entry at once when the
     * only reply to the SYN is a RST: state CLOSE, unreplied, one reply packet), timed out (the SYN
     * was never answered: destroyed in SYN_SENT), reset (CLOSE after the connection was assured).
     * Needs the accounting counters to tell a refusal.
     */
    static int failure(ConntrackEntry e) {
        boolean assured = (e.status() & ASSURED) != 0;
        boolean replied = (e.status() & ConntrackEntry.SEEN_REPLY) != 0;
        if (!replied) {
            if (e.tcpState() == CT_CLOSE && e.counters() && e.replyPackets() > 0) {
                return 111;
            }
            return e.tcpState() == CT_SYN_SENT ? 110 : 0;
        }
        return e.tcpState() == CT_CLOSE && assured ? 104 : 0;
    }

    private void destroyed(ConntrackEntry e) {
        if (e.kind() != ConntrackEntry.Kind.DESTROY || (e.protocol() != 6 && e.protocol() != 17)) {
            return;
        }
        NetlinkView v = view;
        v.clear();
        v.netns = currentNetns;
        v.protocol = e.protocol() == 6 ? Protocol.TCP : Protocol.UDP;
        if (poller.listening(currentNetns, e.protocol(), e.replySrcPort())) {
            v.direction = Direction.INCOMING;
            v.localHigh = e.replySrcHigh();
            v.localLow = e.replySrcLow();
            v.localPort = e.replySrcPort();
            v.remoteHigh = e.replyDstHigh();
            v.remoteLow = e.replyDstLow();
            v.remotePort = e.replyDstPort();
            v.bytesSent = e.replyBytes();
            v.packetsSent = e.replyPackets();
            v.bytesReceived = e.origBytes();
            v.packetsReceived = e.origPackets();
        } else {
            v.direction = e.protocol() == 6 ? Direction.OUTGOING : Direction.NONE;
            v.localHigh = e.origSrcHigh();
            v.localLow = e.origSrcLow();
            v.localPort = e.origSrcPort();
            v.remoteHigh = e.origDstHigh();
            v.remoteLow = e.origDstLow();
            v.remotePort = e.origDstPort();
            v.bytesSent = e.origBytes();
            v.packetsSent = e.origPackets();
            v.bytesReceived = e.replyBytes();
            v.packetsReceived = e.replyPackets();
        }
        if (e.protocol() == 6) {
            v.tcpEstablished = (e.status() & ASSURED) != 0 ? 1 : 0;
            v.tcpClosed = 1;
            v.failureErrno = failure(e);
        }
        if (seen.contains(SeenTuples.hash(v.netns, e.protocol(), v.localHigh, v.localLow, v.localPort, v.remoteHigh,
                v.remoteLow, v.remotePort))) {
            duplicates.incrementAndGet();
            if (e.protocol() != 6) {
                return;
            }
            // sock_diag reported its counters while it was open: report only that it closed (and how),
            // with no counters, so nothing is counted twice
            v.bytesSent = 0;
            v.bytesReceived = 0;
            v.packetsSent = 0;
            v.packetsReceived = 0;
            v.tcpEstablished = 0;
        }
        reported.incrementAndGet();
        buffer.offer(v);
    }
}
