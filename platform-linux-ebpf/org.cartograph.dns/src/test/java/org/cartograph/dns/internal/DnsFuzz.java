package org.cartograph.dns.internal;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The DNS fuzzer: random bytes and mutations (bit flips, byte overwrites with edge values,
 * truncations, length and count fields, pointers) of real packets, fed through the whole engine.
 * Any exception fails the run. Run it with millions of inputs:
 * {@code java -cp ... org.cartograph.dns.internal.DnsFuzz 5000000}.
 */
public final class DnsFuzz {

    static final int MAX_PENDING = 512;
    static final int MAX_STATS = 256;
    static final int REVERSE = 256;

    /**
     * @param inputs   inputs fed
     * @param counters the engine's counters at the end
     */
    public record Result(long inputs, Map<String, Long> counters) {
    }

    private DnsFuzz() {
    }

    /** @param args the number of inputs (default 1,000,000) and a seed */
    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        long t0 = System.nanoTime();
        Result r = run(n, seed);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d inputs (seed %d) in %.1f s, %.0f/s, heap used %d MiB: %s%n", r.inputs(), seed, s,
                r.inputs() / s, (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
                r.counters());
    }

    /**
     * @param n    inputs
     * @param seed random seed
     * @return what the engine counted
     */
    public static Result run(long n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DnsEngine engine = new DnsEngine(new DnsSettings(true, true, 5_000_000L, MAX_STATS, MAX_PENDING, true,
                new int[0], new int[] {53}, REVERSE, 1_000_000_000L, 64), new ReverseCache(REVERSE, 1_000_000_000L));
        List<byte[]> seeds = seeds();
        byte[] buf = new byte[2048];
        long now = 0;
        for (long i = 0; i < n; i++) {
            int len;
            if (rnd.nextInt(10) == 0) {
                len = rnd.nextInt(buf.length);
                for (int k = 0; k < len; k++) {
                    buf[k] = (byte) rnd.nextInt(256);
                }
                if (len > 0 && rnd.nextBoolean()) {
                    buf[0] = (byte) (rnd.nextBoolean() ? 0x45 : 0x60);
                }
            } else {
                byte[] s = seeds.get(rnd.nextInt(seeds.size()));
                len = s.length;
                System.arraycopy(s, 0, buf, 0, len);
                len = mutate(rnd, buf, len);
            }
            now += 1000;
            engine.onPacket(buf, len, now);
            if ((i & 1023) == 0) {
                engine.expire(now);
            }
            if ((i & 65535) == 0) {
                engine.collect();
            }
        }
        return new Result(n, engine.counters());
    }

    private static int mutate(SplittableRandom rnd, byte[] b, int len) {
        int rounds = 1 + rnd.nextInt(4);
        int start = b[0] == 0x45 ? 28 : b[0] == 0x60 ? 48 : 0;
        for (int r = 0; r < rounds; r++) {
            int at = len == 0 ? 0 : (rnd.nextInt(4) == 0 ? rnd.nextInt(len) : start + rnd.nextInt(Math.max(1, len - start)));
            if (at >= len) {
                continue;
            }
            switch (rnd.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> b[at] = (byte) new int[] {0, 0xFF, 0xC0, 0x3F, 0x40, 0x7F, 0x80}[rnd.nextInt(7)];
                case 2 -> len = rnd.nextInt(len + 1);
                case 3 -> {
                    if (at + 1 < len) {
                        b[at] = (byte) (0xC0 | rnd.nextInt(64));
                        b[at + 1] = (byte) rnd.nextInt(256);
                    }
                }
                case 4 -> {
                    int field = start + 4 + 2 * rnd.nextInt(4);
                    if (field + 1 < len) {
                        b[field] = (byte) rnd.nextInt(256);
                        b[field + 1] = (byte) rnd.nextInt(256);
                    }
                }
                case 5 -> b[at] = (byte) rnd.nextInt(256);
                default -> {
                    int extra = Math.min(b.length - len, rnd.nextInt(64));
                    for (int k = 0; k < extra; k++) {
                        b[len + k] = (byte) rnd.nextInt(256);
                    }
                    len += extra;
                }
            }
        }
        return len;
    }

    static List<byte[]> seeds() {
        byte[] cnameResponse = Packets.msg().header(3, 0x8180, 1, 2, 0, 0).name("www.example.com").u16(1).u16(1)
                .u16(0xC00C).u16(5).u16(1).u32(60).u16(6).u8(3).bytes("cdn".getBytes()).u16(0xC010)
                .u16(0xC02D).u16(1).u16(1).u32(60).u16(4).bytes(new byte[] {(byte) 192, 0, 2, 44}).build();
        byte[] split = Packets.framed(Packets.response(6, "a.example", 1, 0, 60, "192.0.2.6", "192.0.2.7"));
        return List.of(
                Packets.udp("10.0.0.2", 40000, "10.0.0.1", 53, Packets.query(1, "www.example.com", 1)),
                Packets.udp("10.0.0.1", 53, "10.0.0.2", 40000,
                        Packets.response(1, "www.example.com", 1, 0, 60, "192.0.2.1", "192.0.2.2")),
                Packets.udp("fd00::2", 40001, "fd00::1", 53, Packets.query(2, "v6.example.net", 28)),
                Packets.udp("fd00::1", 53, "fd00::2", 40001, Packets.response(2, "v6.example.net", 28, 0, 30, "2001:db8::1")),
                Packets.udp("10.0.0.1", 53, "10.0.0.2", 40002, Packets.response(4, "nx.example", 1, 3, 0)),
                Packets.udp("10.0.0.1", 53, "10.0.0.2", 40003, cnameResponse),
                Packets.tcp("10.0.0.2", 40004, "10.0.0.1", 53, Packets.query(5, "tcp.example", 16)),
                Packets.tcp("10.0.0.1", 53, "10.0.0.2", 40004, Packets.response(5, "tcp.example", 16, 0, 0)),
                Packets.segment("10.0.0.2", 40005, "10.0.0.1", 53, 99, 0x02, new byte[0]),
                Packets.segment("10.0.0.2", 40005, "10.0.0.1", 53, 100, 0x18,
                        Packets.framed(Packets.query(6, "a.example", 1), Packets.query(7, "b.example", 28))),
                Packets.segment("10.0.0.1", 53, "10.0.0.2", 40005, 500, 0x18, java.util.Arrays.copyOfRange(split, 0, 20)),
                Packets.segment("10.0.0.1", 53, "10.0.0.2", 40005, 520, 0x19,
                        java.util.Arrays.copyOfRange(split, 20, split.length)));
    }
}
