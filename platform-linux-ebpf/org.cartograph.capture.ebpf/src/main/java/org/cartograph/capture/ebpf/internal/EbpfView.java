package org.cartograph.capture.ebpf.internal;

import java.nio.ByteBuffer;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/**
 * A {@link ConnectionView} over one {@link ConnRecord} in a reused buffer. Reads the buffer on
 * each getter; allocates nothing except a process name not seen before. One thread at a time.
 */
final class EbpfView implements ConnectionView {

    private final ProcessNames names;
    private ByteBuffer buffer;
    private int base;

    EbpfView(ProcessNames names) {
        this.names = names;
    }

    /** Points the view at a record; returns this. */
    EbpfView at(ByteBuffer records, int offset) {
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

    private int u16(int field) {
        return buffer.getShort(base + field) & 0xFFFF;
    }

    private int u8(int field) {
        return buffer.get(base + field) & 0xFF;
    }

    /** Network-order 8 bytes of an address as a long. */
    private long address(int field, int half) {
        return Long.reverseBytes(buffer.getLong(base + field + 8 * half));
    }

    boolean isIpv4() {
        return u16(ConnRecord.FAMILY) == ConnRecord.AF_INET
                || (remoteAddressHigh() == 0 && (remoteAddressLow() >>> 32) == 0xFFFFL);
    }

    /** @return whether this is an unconnected UDP socket whose traffic is reported per peer instead */
    boolean countedPerPeer() {
        return u8(ConnRecord.HAS_PEERS) != 0 && isUdp() && remotePort() == 0;
    }

    boolean isUdp() {
        return u8(ConnRecord.PROTO) == ConnRecord.PROTO_UDP;
    }

    @Override
    public long cookie() {
        return u64(ConnRecord.COOKIE);
    }

    @Override
    public Protocol protocol() {
        return isUdp() ? Protocol.UDP : Protocol.TCP;
    }

    @Override
    public long localAddressHigh() {
        return address(ConnRecord.SADDR, 0);
    }

    @Override
    public long localAddressLow() {
        return address(ConnRecord.SADDR, 1);
    }

    @Override
    public int localPort() {
        return u16(ConnRecord.SPORT);
    }

    @Override
    public long remoteAddressHigh() {
        return address(ConnRecord.DADDR, 0);
    }

    @Override
    public long remoteAddressLow() {
        return address(ConnRecord.DADDR, 1);
    }

    @Override
    public int remotePort() {
        return u16(ConnRecord.DPORT);
    }

    @Override
    public long netns() {
        return u64(ConnRecord.NETNS);
    }

    @Override
    public int pid() {
        return u32(ConnRecord.PID);
    }

    @Override
    public String processName() {
        return names.name(pid(), buffer, base + ConnRecord.COMM);
    }

    @Override
    public long cgroupId() {
        return u64(ConnRecord.CGROUP);
    }

    @Override
    public Direction direction() {
        int d = u8(ConnRecord.DIRECTION);
        if (d == 0) {
            return Direction.NONE;
        }
        if (isLoopback(remoteAddressHigh(), remoteAddressLow())) {
            return Direction.LOCAL;
        }
        return d == ConnRecord.DIR_INCOMING ? Direction.INCOMING : Direction.OUTGOING;
    }

    private static boolean isLoopback(long high, long low) {
        if (high == 0 && (low >>> 32) == 0xFFFFL) {
            return ((low >>> 24) & 0xFF) == 127;
        }
        return high == 0 && low == 1;
    }

    @Override
    public boolean preexisting() {
        return u8(ConnRecord.PREEXISTING) != 0;
    }

    @Override
    public long bytesSent() {
        return u64(ConnRecord.BYTES_SENT);
    }

    @Override
    public long bytesReceived() {
        return u64(ConnRecord.BYTES_RECV);
    }

    @Override
    public long packetsSent() {
        return u64(ConnRecord.PKTS_SENT);
    }

    @Override
    public long packetsReceived() {
        return u64(ConnRecord.PKTS_RECV);
    }

    @Override
    public long retransmits() {
        return u32(ConnRecord.RETRANS) & 0xFFFF_FFFFL;
    }

    @Override
    public int rttMicros() {
        return u32(ConnRecord.SRTT);
    }

    @Override
    public int rttVarMicros() {
        return u32(ConnRecord.RTTVAR);
    }

    @Override
    public int tcpEstablished() {
        return isUdp() ? 0 : u8(ConnRecord.ESTABLISHED);
    }

    @Override
    public int tcpClosed() {
        return isUdp() ? 0 : u8(ConnRecord.CLOSED);
    }

    @Override
    public int failureErrno() {
        return u32(ConnRecord.ERR);
    }

    @Override
    public String toString() {
        return protocol() + " " + localPort() + "->" + remotePort() + " cookie " + cookie() + " sent " + bytesSent()
                + " recv " + bytesReceived() + " dir " + direction() + " pid " + pid() + " err " + failureErrno();
    }
}
