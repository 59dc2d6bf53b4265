package org.cartograph.dns.internal;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DNS parse throughput (target: ≥ 1 million packets per second per core). One operation is one
 * packet. {@code parse*}: the DNS parser alone on a message; {@code decodeAndParse}: IP/UDP
 * decoding plus parsing, as the capture loop does it; {@code engine}: the whole per-packet path
 * (decode, parse, match against the pending table, statistics, reverse cache) on alternating
 * queries and responses (1,024 exchanges, 64 names, 2 ms apart, so that an id comes back after
 * the engine forgot it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DnsParseBenchmark {

    private final DnsParser parser = new DnsParser();
    private final DnsMessage msg = new DnsMessage();
    private final PacketDecoder decoder = new PacketDecoder();
    private byte[] query;
    private byte[] response;
    private byte[] packet;
    private byte[][] queries;
    private byte[][] responses;
    private DnsEngine engine;
    private long now;
    private int next;

    @Setup
    public void setup() {
        query = Packets.query(0x4242, "api.payments.example.com", 1);
        response = Packets.response(0x4242, "api.payments.example.com", 1, 0, 60, "192.0.2.10", "192.0.2.11");
        packet = Packets.udp("10.0.0.2", 40000, "10.0.0.1", 53, response);
        queries = new byte[1024][];
        responses = new byte[1024][];
        for (int i = 0; i < queries.length; i++) {
            String name = "svc" + (i % 64) + ".example.com";
            queries[i] = Packets.udp("10.0.0.2", 30000 + i, "10.0.0.1", 53, Packets.query(i, name, 1));
            responses[i] = Packets.udp("10.0.0.1", 53, "10.0.0.2", 30000 + i,
                    Packets.response(i, name, 1, i % 7 == 0 ? 3 : 0, 60, "192.0.2." + (i % 250)));
        }
        engine = new DnsEngine(new DnsSettings(true, true, 15_000_000_000L, 20_000, 16_384, false, new int[0],
                new int[] {53}, 100_000, 300_000_000_000L, 1024), new ReverseCache(100_000, 300_000_000_000L));
    }

    @Benchmark
    public int parseQuery() {
        return parser.parse(query, 0, query.length, msg) + msg.nameLength();
    }

    @Benchmark
    public int parseResponse() {
        return parser.parse(response, 0, response.length, msg) + msg.addressCount();
    }

    @Benchmark
    public int decodeAndParse() {
        int d = decoder.decode(packet, packet.length);
        return d + parser.parse(packet, decoder.payloadOffset, decoder.payloadLength, msg);
    }

    @Benchmark
    public void engine() {
        int i = next;
        next = (i + 1) & 2047;
        now += 2_000_000;
        byte[] p = (i & 1) == 0 ? queries[i >>> 1] : responses[i >>> 1];
        engine.onPacket(p, p.length, now);
        if ((i & 63) == 0) {
            engine.expire(now);
        }
    }
}
