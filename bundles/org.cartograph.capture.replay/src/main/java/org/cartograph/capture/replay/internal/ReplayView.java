package org.cartograph.capture.replay.internal;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/**
 * The one mutable {@link ConnectionView} of a replay backend: pointed at a script entry and a
 * repetition number before each visit or offer, and computing repetition offsets on the fly, so
 * that no object is created per connection. Used only on the core's snapshot thread.
 */
final class ReplayView implements ConnectionView {

    private ScriptEntry entry;
    private Counters max = Counters.ZERO;
    private long repetition;

    /**
     * @param shown      the entry to show
     * @param maxima     the largest counters of the entry's group
     * @param repetition 0 on the first pass through the script, then 1, 2, ...
     * @return this view
     */
    ReplayView show(ScriptEntry shown, Counters maxima, long repetition) {
        this.entry = shown;
        this.max = maxima;
        this.repetition = repetition;
        return this;
    }

    @Override
    public long cookie() {
        return entry.cookie() + repetition * Script.COOKIE_STRIDE;
    }

    @Override
    public Protocol protocol() {
        return entry.protocol();
    }

    @Override
    public long localAddressHigh() {
        return entry.local().high();
    }

    @Override
    public long localAddressLow() {
        return entry.local().low();
    }

    @Override
    public int localPort() {
        return entry.localPort();
    }

    @Override
    public long remoteAddressHigh() {
        return entry.remote().high();
    }

    @Override
    public long remoteAddressLow() {
        return entry.remote().low();
    }

    @Override
    public int remotePort() {
        return entry.remotePort();
    }

    @Override
    public long netns() {
        return entry.netns();
    }

    @Override
    public int pid() {
        return entry.pid();
    }

    @Override
    public String processName() {
        return entry.process();
    }

    @Override
    public long cgroupId() {
        return entry.cgroupId();
    }

    @Override
    public Direction direction() {
        return entry.direction();
    }

    @Override
    public boolean preexisting() {
        return entry.preexisting();
    }

    @Override
    public long bytesSent() {
        return entry.counters().bytesSent() + repetition * max.bytesSent();
    }

    @Override
    public long bytesReceived() {
        return entry.counters().bytesReceived() + repetition * max.bytesReceived();
    }

    @Override
    public long packetsSent() {
        return entry.counters().packetsSent() + repetition * max.packetsSent();
    }

    @Override
    public long packetsReceived() {
        return entry.counters().packetsReceived() + repetition * max.packetsReceived();
    }

    @Override
    public long retransmits() {
        return entry.counters().retransmits() + repetition * max.retransmits();
    }

    @Override
    public int rttMicros() {
        return entry.rttMicros();
    }

    @Override
    public int rttVarMicros() {
        return entry.rttVarMicros();
    }

    @Override
    public int tcpEstablished() {
        return entry.established();
    }

    @Override
    public int tcpClosed() {
        return entry.closed();
    }

    @Override
    public int failureErrno() {
        return entry.failureErrno();
    }
}
