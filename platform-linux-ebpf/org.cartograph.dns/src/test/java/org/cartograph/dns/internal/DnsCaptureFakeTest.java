package org.cartograph.dns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.cartograph.testkit.Await;
import org.junit.jupiter.api.Test;

/** The capture threads against fake sockets: failures are counted and survived, never thrown. */
class DnsCaptureFakeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Hands out queued packets; fails once when told to. */
    static final class FakeSocket implements DnsSocket {
        final ConcurrentLinkedQueue<byte[]> packets = new ConcurrentLinkedQueue<>();
        volatile boolean failNext;
        volatile boolean closed;

        @Override
        public int receive(byte[] into) throws NativeException {
            if (failNext) {
                failNext = false;
                throw new NativeException("recvmsg", 100, "Network is down");
            }
            byte[] p = packets.poll();
            if (p == null) {
                return 0;
            }
            System.arraycopy(p, 0, into, 0, p.length);
            return p.length;
        }

        @Override
        public long lastTimestampNanos() {
            return 0;
        }

        @Override
        public long takeKernelDrops() {
            return 0;
        }

        @Override
        public int fd() {
            return 3;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Opens fake sockets; the own namespace fails when told to. */
    static final class FakeSockets implements DnsSockets {
        final ConcurrentLinkedQueue<FakeSocket> opened = new ConcurrentLinkedQueue<>();
        final AtomicInteger opens = new AtomicInteger();
        volatile boolean refuseOwn;

        @Override
        public DnsSocket open(Path netns, int[] ports) throws NativeException {
            if (netns == null && refuseOwn) {
                throw new NativeException("socket(AF_PACKET)", 1, "Operation not permitted");
            }
            opens.incrementAndGet();
            FakeSocket s = new FakeSocket();
            opened.add(s);
            return s;
        }

        @Override
        public int await(DnsSocket[] sockets, int count, int timeoutMillis) {
            for (int i = 0; i < count; i++) {
                FakeSocket s = (FakeSocket) sockets[i];
                if (!s.packets.isEmpty() || s.failNext) {
                    return 1;
                }
            }
            LockSupport.parkNanos(5_000_000L);
            return 0;
        }
    }

    private static DnsEngine engine() {
        return new DnsEngine(new DnsSettings(true, true, 5_000_000_000L, 100, 100, false, new int[0], new int[] {53},
                10, 1_000_000_000L, 16), new ReverseCache(10, 1_000_000_000L));
    }

    @Test
    void aFailingSocketIsClosedCountedAndReopened() {
        FakeSockets fake = new FakeSockets();
        DnsEngine engine = engine();
        try (DnsCapture capture = new DnsCapture(fake, engine, new ReverseCache(10, 0),
                () -> Map.of(1L, Path.of("/fake/ns")), new int[] {53}, 20)) {
            Await.until(WAIT, "a socket", () -> capture.watched().size() == 1);
            FakeSocket first = fake.opened.peek();
            first.packets.add(Packets.udp("10.0.0.2", 4000, "10.0.0.1", 53, Packets.query(1, "a.test", 1)));
            first.packets.add(new byte[] {1, 2, 3});
            Await.until(WAIT, "two packets", () -> engine.counters().get("packets") == 2);
            first.failNext = true;
            Await.until(WAIT, "the failing socket replaced", () -> fake.opens.get() == 2 && first.closed
                    && capture.watched().size() == 1);
            Map<String, Long> c = capture.counters();
            assertEquals(1L, c.get("socket_errors"));
            assertEquals(0L, c.get("loop_errors"));
            assertEquals(2L, c.get("timestamp_fallbacks"));
            assertEquals(1L, engine.counters().get("queries"));
            assertEquals(1L, engine.counters().get("undecodable_bad_ip"));
        }
        assertTrue(fake.opened.stream().allMatch(s -> s.closed), "close() closes every socket");
    }

    @Test
    void aRefusedOwnNamespaceIsReportedNotThrown() {
        FakeSockets fake = new FakeSockets();
        fake.refuseOwn = true;
        java.util.Map<Long, Path> namespaces = new java.util.LinkedHashMap<>();
        namespaces.put(1L, null);
        namespaces.put(2L, Path.of("/fake/other"));
        try (DnsCapture capture = new DnsCapture(fake, engine(), new ReverseCache(10, 0), () -> namespaces,
                new int[] {53}, 20)) {
            Await.until(WAIT, "the scan", () -> capture.scanned() && capture.watched().size() == 1);
            assertTrue(capture.ownNamespaceError().contains("Operation not permitted"), capture.ownNamespaceError());
            assertTrue(capture.failures().get("self").contains("socket(AF_PACKET)"), capture.failures().toString());
            assertTrue(capture.counters().get("namespace_open_failures") >= 1);
        }
    }
}
