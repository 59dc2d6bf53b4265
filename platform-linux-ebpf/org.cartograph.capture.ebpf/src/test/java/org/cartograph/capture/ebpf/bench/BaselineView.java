package org.cartograph.capture.ebpf.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/**
 * The snapshot view as it was before snapshots were made cheaper (a copy of the old
 * {@code EbpfView} and {@code ProcessNames}), for {@link SnapshotBenchmark}'s baseline.
 */
final class BaselineView implements ConnectionView {

    private final Names names = new Names();
    private ByteBuffer buffer;
    private int base;

    /** Points the view at a record; returns this. */
    BaselineView at(ByteBuffer records, int offset) {
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
        return u16(108) == 2
                || (remoteAddressHigh() == 0 && (remoteAddressLow() >>> 32) == 0xFFFFL);
    }

    /** @return whether this is an unconnected UDP socket whose traffic is reported per peer instead */
    boolean countedPerPeer() {
        return u8(115) != 0 && isUdp() && remotePort() == 0;
    }

    /** @return whether the socket's process and namespace are known (a peer entry may not have them yet) */
    boolean hasMetadata() {
        return u64(40) != 0;
    }

    boolean isUdp() {
        return u8(110) == 17;
    }

    @Override
    public long cookie() {
        return u64(0);
    }

    @Override
    public Protocol protocol() {
        return isUdp() ? Protocol.UDP : Protocol.TCP;
    }

    @Override
    public long localAddressHigh() {
        return address(8, 0);
    }

    @Override
    public long localAddressLow() {
        return address(8, 1);
    }

    @Override
    public int localPort() {
        return u16(104);
    }

    @Override
    public long remoteAddressHigh() {
        return address(24, 0);
    }

    @Override
    public long remoteAddressLow() {
        return address(24, 1);
    }

    @Override
    public int remotePort() {
        return u16(106);
    }

    @Override
    public long netns() {
        return u64(40);
    }

    @Override
    public int pid() {
        return u32(100);
    }

    @Override
    public String processName() {
        return names.name(pid(), buffer, base + 120);
    }

    @Override
    public long cgroupId() {
        return u64(48);
    }

    @Override
    public Direction direction() {
        int d = u8(111);
        if (d == 0) {
            return Direction.NONE;
        }
        if (isLoopback(remoteAddressHigh(), remoteAddressLow())) {
            return Direction.LOCAL;
        }
        return d == 1 ? Direction.INCOMING : Direction.OUTGOING;
    }

    private static boolean isLoopback(long high, long low) {
        if (high == 0 && (low >>> 32) == 0xFFFFL) {
            return ((low >>> 24) & 0xFF) == 127;
        }
        return high == 0 && low == 1;
    }

    @Override
    public boolean preexisting() {
        return u8(114) != 0;
    }

    @Override
    public long bytesSent() {
        return u64(56);
    }

    @Override
    public long bytesReceived() {
        return u64(64);
    }

    @Override
    public long packetsSent() {
        return u64(72);
    }

    @Override
    public long packetsReceived() {
        return u64(80);
    }

    @Override
    public long retransmits() {
        return u32(88) & 0xFFFF_FFFFL;
    }

    @Override
    public int rttMicros() {
        return u32(92);
    }

    @Override
    public int rttVarMicros() {
        return u32(96);
    }

    @Override
    public int tcpEstablished() {
        return isUdp() ? 0 : u8(112);
    }

    @Override
    public int tcpClosed() {
        return isUdp() ? 0 : u8(113);
    }

    @Override
    public int failureErrno() {
        return u32(116);
    }

    @Override
    public String toString() {
        return protocol() + " " + localPort() + "->" + remotePort() + " cookie " + cookie() + " sent " + bytesSent()
                + " recv " + bytesReceived() + " dir " + direction() + " pid " + pid() + " err " + failureErrno();
    }

    /** The old process-name cache. */
    private static final class Names {

        private static final int SLOTS = 4096;

        private final int[] pids = new int[SLOTS];
        private final long[] first = new long[SLOTS];
        private final long[] second = new long[SLOTS];
        private final String[] names = new String[SLOTS];
        private final byte[] scratch = new byte[16];

        String name(int pid, ByteBuffer buffer, int commOffset) {
            long c0 = buffer.getLong(commOffset);
            long c1 = buffer.getLong(commOffset + 8);
            if (c0 == 0 && c1 == 0) {
                return "";
            }
            int slot = (pid * 0x9E3779B1 >>> 20) & (SLOTS - 1);
            String cached = names[slot];
            if (cached != null && pids[slot] == pid && first[slot] == c0 && second[slot] == c1) {
                return cached;
            }
            buffer.get(commOffset, scratch);
            int length = 0;
            while (length < scratch.length && scratch[length] != 0) {
                length++;
            }
            String name = new String(scratch, 0, length, StandardCharsets.UTF_8);
            pids[slot] = pid;
            first[slot] = c0;
            second[slot] = c1;
            names[slot] = name;
            return name;
        }
    }
}
