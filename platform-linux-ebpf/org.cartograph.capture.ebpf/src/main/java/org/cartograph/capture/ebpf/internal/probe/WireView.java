package org.cartograph.capture.ebpf.internal.probe;

import java.nio.ByteBuffer;

import org.cartograph.capture.ConnectionView;
import org.cartograph.capture.ebpf.internal.ProcessNames;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/**
 * A {@link ConnectionView} over one {@link WireRecord} in a reused little-endian buffer. Allocates
 * nothing except a process name not seen before. One thread at a time.
 */
final class WireView implements ConnectionView {

    private final ProcessNames names = new ProcessNames();
    private ByteBuffer buffer;
    private int base;

    /** Points the view at a record; returns this. */
    WireView at(ByteBuffer records, int offset) {
        this.buffer = records;
        this.base = offset;
        return this;
    }

    private long u64(int field) {
        return buffer.getLong(base + field);
    }

    private int u32(int field) {
        return buffer.getInt(base + field);
    }

    private int flags() {
        return buffer.get(base + WireRecord.FLAGS) & 0xFF;
    }

    @Override
    public long cookie() {
        return u64(WireRecord.COOKIE);
    }

    @Override
    public Protocol protocol() {
        return WireRecord.protocol(flags());
    }

    @Override
    public long localAddressHigh() {
        return u64(WireRecord.LOCAL_HIGH);
    }

    @Override
    public long localAddressLow() {
        return u64(WireRecord.LOCAL_LOW);
    }

    @Override
    public int localPort() {
        return buffer.getShort(base + WireRecord.LOCAL_PORT) & 0xFFFF;
    }

    @Override
    public long remoteAddressHigh() {
        return u64(WireRecord.REMOTE_HIGH);
    }

    @Override
    public long remoteAddressLow() {
        return u64(WireRecord.REMOTE_LOW);
    }

    @Override
    public int remotePort() {
        return buffer.getShort(base + WireRecord.REMOTE_PORT) & 0xFFFF;
    }

    @Override
    public long netns() {
        return u64(WireRecord.NETNS);
    }

    @Override
    public int pid() {
        return u32(WireRecord.PID);
    }

    @Override
    public String processName() {
        return names.name(pid(), buffer, base + WireRecord.COMM);
    }

    @Override
    public long cgroupId() {
        return u64(WireRecord.CGROUP);
    }

    @Override
    public Direction direction() {
        return WireRecord.direction(buffer.get(base + WireRecord.DIRECTION) & 0xFF);
    }

    @Override
    public boolean preexisting() {
        return (flags() & WireRecord.PREEXISTING) != 0;
    }

    @Override
    public long bytesSent() {
        return u64(WireRecord.BYTES_SENT);
    }

    @Override
    public long bytesReceived() {
        return u64(WireRecord.BYTES_RECEIVED);
    }

    @Override
    public long packetsSent() {
        return u64(WireRecord.PACKETS_SENT);
    }

    @Override
    public long packetsReceived() {
        return u64(WireRecord.PACKETS_RECEIVED);
    }

    @Override
    public long retransmits() {
        return u64(WireRecord.RETRANSMITS);
    }

    @Override
    public int rttMicros() {
        return u32(WireRecord.RTT);
    }

    @Override
    public int rttVarMicros() {
        return u32(WireRecord.RTT_VAR);
    }

    @Override
    public int tcpEstablished() {
        return (flags() & WireRecord.ESTABLISHED) != 0 ? 1 : 0;
    }

    @Override
    public int tcpClosed() {
        return (flags() & WireRecord.CLOSED) != 0 ? 1 : 0;
    }

    @Override
    public int failureErrno() {
        return u32(WireRecord.ERRNO);
    }
}
