package org.cartograph.capture.ebpf.internal.probe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.cartograph.capture.ConnectionView;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;

/**
 * One connection on the probe's wire: every field of a {@link ConnectionView} in 136 little-endian
 * bytes, the process name as 16 NUL-padded bytes like the kernel's {@code comm}. The encoder keeps
 * the bytes of the names it saw, so encoding a known name allocates nothing. One thread at a time.
 */
final class WireRecord {

    static final int SIZE = 136;
    static final int COOKIE = 0;
    static final int LOCAL_HIGH = 8;
    static final int LOCAL_LOW = 16;
    static final int REMOTE_HIGH = 24;
    static final int REMOTE_LOW = 32;
    static final int NETNS = 40;
    static final int CGROUP = 48;
    static final int BYTES_SENT = 56;
    static final int BYTES_RECEIVED = 64;
    static final int PACKETS_SENT = 72;
    static final int PACKETS_RECEIVED = 80;
    static final int RETRANSMITS = 88;
    static final int RTT = 96;
    static final int RTT_VAR = 100;
    static final int LOCAL_PORT = 104;
    static final int REMOTE_PORT = 106;
    static final int PID = 108;
    static final int ERRNO = 112;
    static final int FLAGS = 116;
    static final int DIRECTION = 117;
    static final int COMM = 120;
    static final int COMM_LENGTH = 16;

    static final int UDP = 1;
    static final int ESTABLISHED = 2;
    static final int CLOSED = 4;
    static final int PREEXISTING = 8;

    private static final Direction[] DIRECTIONS = Direction.values();
    private static final int NAME_SLOTS = 1024;

    private final String[] names = new String[NAME_SLOTS];
    private final byte[][] bytes = new byte[NAME_SLOTS][];

    /**
     * Writes one connection at the buffer's position and advances it.
     *
     * @param v the connection
     * @param out a little-endian buffer with at least {@link #SIZE} bytes left
     */
    void encode(ConnectionView v, ByteBuffer out) {
        int base = out.position();
        out.putLong(base + COOKIE, v.cookie())
                .putLong(base + LOCAL_HIGH, v.localAddressHigh())
                .putLong(base + LOCAL_LOW, v.localAddressLow())
                .putLong(base + REMOTE_HIGH, v.remoteAddressHigh())
                .putLong(base + REMOTE_LOW, v.remoteAddressLow())
                .putLong(base + NETNS, v.netns())
                .putLong(base + CGROUP, v.cgroupId())
                .putLong(base + BYTES_SENT, v.bytesSent())
                .putLong(base + BYTES_RECEIVED, v.bytesReceived())
                .putLong(base + PACKETS_SENT, v.packetsSent())
                .putLong(base + PACKETS_RECEIVED, v.packetsReceived())
                .putLong(base + RETRANSMITS, v.retransmits())
                .putInt(base + RTT, v.rttMicros())
                .putInt(base + RTT_VAR, v.rttVarMicros())
                .putShort(base + LOCAL_PORT, (short) v.localPort())
                .putShort(base + REMOTE_PORT, (short) v.remotePort())
                .putInt(base + PID, v.pid())
                .putInt(base + ERRNO, v.failureErrno())
                .put(base + FLAGS, (byte) flags(v))
                .put(base + DIRECTION, (byte) v.direction().ordinal())
                .putShort(base + DIRECTION + 1, (short) 0)
                .put(base + COMM, comm(v.processName()));
        out.position(base + SIZE);
    }

    /** Sets the pre-existing flag of the record at {@code base}. */
    static void markPreexisting(ByteBuffer records, int base) {
        records.put(base + FLAGS, (byte) (records.get(base + FLAGS) | PREEXISTING));
    }

    private static int flags(ConnectionView v) {
        return (v.protocol() == Protocol.UDP ? UDP : 0) | (v.tcpEstablished() != 0 ? ESTABLISHED : 0)
                | (v.tcpClosed() != 0 ? CLOSED : 0) | (v.preexisting() ? PREEXISTING : 0);
    }

    /** The name as 16 bytes, cut at a character boundary; cached by identity, as views return cached names. */
    private byte[] comm(String name) {
        int slot = System.identityHashCode(name) & (NAME_SLOTS - 1);
        if (names[slot] == name) {
            return bytes[slot];
        }
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, COMM_LENGTH - 1);
        while (length > 0 && length < utf8.length && (utf8[length] & 0xC0) == 0x80) {
            length--;
        }
        byte[] fixed = Arrays.copyOf(Arrays.copyOf(utf8, length), COMM_LENGTH);
        names[slot] = name;
        bytes[slot] = fixed;
        return fixed;
    }

    /**
     * @param flags the flags byte
     * @return the protocol it names
     */
    static Protocol protocol(int flags) {
        return (flags & UDP) != 0 ? Protocol.UDP : Protocol.TCP;
    }

    /**
     * @param code the direction byte
     * @return the direction, {@link Direction#NONE} for a code this version does not know
     */
    static Direction direction(int code) {
        return code >= 0 && code < DIRECTIONS.length ? DIRECTIONS[code] : Direction.NONE;
    }
}
