package org.cartograph.core.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;

/**
 * Builds immutable {@link Flow}s from the engine's deltas and classifies them: direction (when
 * the backend does not know it, a connection from an ephemeral local port to a non-ephemeral
 * remote one is outgoing, the reverse incoming), intra-host, ephemeral local port. Hands the flows
 * on in parts of at most {@code maxFlows}, so that an interval with many connections never holds
 * all of their records at once. One instance per interval; not thread-safe.
 */
final class FlowAssembler implements DeltaListener {

    private final HostClassifier host;
    private final int maxFlows;
    private final Consumer<List<Flow>> full;
    private List<Flow> flows = new ArrayList<>();
    private long idleSkipped;

    /**
     * @param host     what is local
     * @param maxFlows flows per part
     * @param full     receives each full part (the list is then the receiver's)
     */
    FlowAssembler(HostClassifier host, int maxFlows, Consumer<List<Flow>> full) {
        this.host = host;
        this.maxFlows = Math.max(1, maxFlows);
        this.full = full;
    }

    @Override
    public void onDelta(ConnectionView c, Delta d) {
        IpAddress local = new IpAddress(c.localAddressHigh(), c.localAddressLow());
        IpAddress remote = new IpAddress(c.remoteAddressHigh(), c.remoteAddressLow());
        ConnectionKey key = new ConnectionKey(c.protocol(), local, c.localPort(), remote, c.remotePort(), c.netns());
        boolean intraHost = host.isIntraHost(remote);
        boolean ephemeral = host.isEphemeral(c.localPort());
        Direction direction = c.direction();
        if (direction == Direction.NONE) {
            direction = inferDirection(ephemeral, host.isEphemeral(c.remotePort()), c.remotePort());
        }
        ConnectionStats delta = new ConnectionStats(d.bytesSent(), d.bytesReceived(), d.packetsSent(),
                d.packetsReceived(), d.retransmits(), Math.max(0, c.rttMicros()), Math.max(0, c.rttVarMicros()),
                d.tcpEstablished(), d.tcpClosed(), failures(d.failureErrno()));
        ConnectionStats cumulative = new ConnectionStats(c.bytesSent(), c.bytesReceived(), c.packetsSent(),
                c.packetsReceived(), c.retransmits(), Math.max(0, c.rttMicros()), Math.max(0, c.rttVarMicros()),
                c.tcpEstablished() > 0 ? 1 : 0, c.tcpClosed() > 0 ? 1 : 0, failures(c.failureErrno()));
        if (delta.isIdle() && !d.closed() && !d.firstSeen()) {
            idleSkipped++;
            return;
        }
        flows.add(new Flow(key, c.cookie(), c.pid(), c.processName(), c.cgroupId(), direction, intraHost, ephemeral,
                c.preexisting(), d.closed(), delta, cumulative, null, List.of(), null, null));
        if (flows.size() >= maxFlows) {
            List<Flow> part = flows;
            flows = new ArrayList<>();
            full.accept(part);
        }
    }

    private static Direction inferDirection(boolean localEphemeral, boolean remoteEphemeral, int remotePort) {
        if (localEphemeral && !remoteEphemeral && remotePort != 0) {
            return Direction.OUTGOING;
        }
        if (!localEphemeral && remoteEphemeral) {
            return Direction.INCOMING;
        }
        return Direction.NONE;
    }

    private static Map<Integer, Long> failures(int errno) {
        if (errno <= 0) {
            return Map.of();
        }
        Map<Integer, Long> m = new HashMap<>(2);
        m.put(errno, 1L);
        return m;
    }

    /** @return the flows built since the last full part */
    List<Flow> flows() {
        return flows;
    }

    /** @return deltas dropped because nothing changed */
    long idleSkipped() {
        return idleSkipped;
    }
}
