package org.cartograph.capture.ebpf.internal.probe;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;

/**
 * The probe protocol over a Unix stream socket. A frame is a 4-byte little-endian payload length,
 * a type byte and the payload. The agent sends {@link #HELLO} (magic, version), then
 * {@link #SNAPSHOT} requests; the probe answers {@link #WELCOME} (its status), and to each request
 * {@link #OPEN} frames and one {@link #END}; between them, at any time, it pushes
 * {@link #CLOSED} frames. Record frames hold a 4-byte count and that many {@link WireRecord}s.
 * Every closed connection the probe read before a snapshot's map walk is sent before that
 * snapshot's first {@link #OPEN} frame.
 */
final class Frames {

    static final int MAGIC = 0x52504743;
    static final int VERSION = 1;
    static final byte HELLO = 'H';
    static final byte WELCOME = 'W';
    static final byte SNAPSHOT = 'S';
    static final byte OPEN = 'O';
    static final byte CLOSED = 'C';
    static final byte END = 'E';
    static final int HEADER = 5;
    static final int RECORDS_PER_FRAME = 256;
    static final int MAX_PAYLOAD = 1 << 20;
    static final int RECORD_PAYLOAD = 4 + RECORDS_PER_FRAME * WireRecord.SIZE;

    /** What the probe says about itself: its backend's features and status. */
    record Remote(Set<CaptureFeature> features, CaptureStatus status) {
    }

    private Frames() {
    }

    /** @return a little-endian direct buffer for one frame with up to {@code payload} bytes */
    static ByteBuffer frameBuffer(int payload) {
        return ByteBuffer.allocateDirect(HEADER + payload).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes a frame whose payload is already in {@code frame} after the header.
     *
     * @param frame a buffer from {@link #frameBuffer} whose position is the end of the payload
     */
    static void send(WritableByteChannel channel, ByteBuffer frame, byte type) throws IOException {
        frame.flip();
        frame.putInt(0, frame.limit() - HEADER).put(4, type);
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
        frame.clear().position(HEADER);
    }

    /** Writes a frame with the given payload. */
    static void send(WritableByteChannel channel, byte type, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(payload.length).put(type).put(payload).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /**
     * Reads one frame's header.
     *
     * @param header a buffer of at least {@link #HEADER} bytes, little-endian
     * @return the payload length; the type is at {@code header.get(4)}
     * @throws EOFException when the peer closed the socket
     * @throws IOException when the length is outside 0 .. {@link #MAX_PAYLOAD}
     */
    static int readHeader(ReadableByteChannel channel, ByteBuffer header) throws IOException {
        header.clear().limit(HEADER);
        readFully(channel, header);
        int length = header.getInt(0);
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("probe protocol: frame of type '" + (char) header.get(4) + "' with length "
                    + length + " (at most " + MAX_PAYLOAD + ")");
        }
        return length;
    }

    /** Reads exactly {@code length} bytes into {@code into} from position 0 and flips it. */
    static void readPayload(ReadableByteChannel channel, ByteBuffer into, int length) throws IOException {
        if (length > into.capacity()) {
            throw new IOException("probe protocol: payload of " + length + " bytes, buffer holds " + into.capacity());
        }
        into.clear().limit(length);
        readFully(channel, into);
        into.flip();
    }

    private static void readFully(ReadableByteChannel channel, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new EOFException("the probe connection was closed");
            }
        }
    }

    /** @return the payload of {@link #HELLO} */
    static byte[] hello() {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC).putInt(VERSION).array();
    }

    /** @throws IOException naming what is wrong when the payload is not this version's hello */
    static void checkHello(ByteBuffer payload) throws IOException {
        if (payload.remaining() < 8 || payload.getInt(0) != MAGIC) {
            throw new IOException("probe protocol: not a Cartograph agent (bad hello)");
        }
        int version = payload.getInt(4);
        if (version != VERSION) {
            throw new IOException("probe protocol: agent speaks version " + version + ", this probe " + VERSION);
        }
    }

    /** @return {@code status} as the payload of {@link #WELCOME} or {@link #END}, after an error text */
    static byte[] status(String error, Set<CaptureFeature> features, CaptureStatus status) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            string(out, error);
            out.writeInt(features.size());
            for (CaptureFeature f : features) {
                string(out, f.name());
            }
            string(out, status.backend());
            string(out, status.variant());
            out.writeBoolean(status.running());
            out.writeInt(status.cannotSee().size());
            for (String s : status.cannotSee()) {
                string(out, s);
            }
            out.writeInt(status.dropsByCause().size());
            for (Map.Entry<String, Long> e : status.dropsByCause().entrySet()) {
                string(out, e.getKey());
                out.writeLong(e.getValue());
            }
            string(out, status.message());
        }
        return bytes.toByteArray();
    }

    /** Writes a string as a 2-byte length and UTF-8, cut to 65,535 bytes. */
    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(b.length, 0xFFFF);
        out.writeShort(length);
        out.write(b, 0, length);
    }

    /** @return the error text at the start of a {@link #WELCOME} or {@link #END} payload, empty if none */
    static String error(ByteBuffer payload) throws IOException {
        return utf(payload.duplicate().order(ByteOrder.BIG_ENDIAN));
    }

    /** Reads what {@link #status} wrote; features this version does not know are skipped. */
    static Remote remote(ByteBuffer payload) throws IOException {
        ByteBuffer in = payload.duplicate().order(ByteOrder.BIG_ENDIAN);
        try {
            utf(in);
            Set<CaptureFeature> features = EnumSet.noneOf(CaptureFeature.class);
            for (int i = count(in); i > 0; i--) {
                String name = utf(in);
                for (CaptureFeature f : CaptureFeature.values()) {
                    if (f.name().equals(name)) {
                        features.add(f);
                    }
                }
            }
            String backend = utf(in);
            String variant = utf(in);
            boolean running = in.get() != 0;
            List<String> cannotSee = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                cannotSee.add(utf(in));
            }
            Map<String, Long> drops = new LinkedHashMap<>();
            for (int i = count(in); i > 0; i--) {
                drops.put(utf(in), in.getLong());
            }
            return new Remote(features, new CaptureStatus(backend, variant, running, cannotSee, drops, utf(in)));
        } catch (RuntimeException e) {
            throw new IOException("probe protocol: malformed status (" + e + ")", e);
        }
    }

    private static int count(ByteBuffer in) throws IOException {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IOException("probe protocol: malformed status (count " + n + ")");
        }
        return n;
    }

    /** Reads a string as {@link #string} wrote it. */
    private static String utf(ByteBuffer in) throws IOException {
        int length = in.getShort() & 0xFFFF;
        if (length > in.remaining()) {
            throw new IOException("probe protocol: malformed status (string of " + length + " bytes)");
        }
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
