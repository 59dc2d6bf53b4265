package org.cartograph.kafka.internal.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    @Test
    void recordsComeOutInOrderAndLeaveWhenAcknowledged() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 100);
        for (int i = 1; i <= 5; i++) {
            spool.append("host-" + i, List.of(value(i, 10)));
        }
        assertEquals(5, spool.records());
        List<String> keys = drain(spool);
        assertEquals(List.of("host-1", "host-2", "host-3", "host-4", "host-5"), keys);
        assertEquals(0, spool.records());
        assertEquals(0, spool.bytes());
        assertNull(spool.awaitHead(10, TimeUnit.MILLISECONDS));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "no file left");
        }
    }

    @Test
    void anEntryKeepsAllItsValuesInOrder() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 100);
        spool.append("h", List.of(value(1, 10), value(2, 0), value(3, 300)));
        Spool.Entry e = new Spool(dir, 1 << 20, 100).awaitHead(1, TimeUnit.SECONDS);
        assertEquals(3, e.values().size());
        assertArrayEquals(value(1, 10), e.values().get(0));
        assertArrayEquals(value(2, 0), e.values().get(1));
        assertArrayEquals(value(3, 300), e.values().get(2));
    }

    @Test
    void theRecordBoundDropsTheOldestAndCountsThem() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 3);
        for (int i = 1; i <= 7; i++) {
            spool.append("k" + i, List.of(value(i, 10)));
        }
        assertEquals(3, spool.records());
        assertEquals(4, spool.dropped());
        assertEquals(List.of("k5", "k6", "k7"), drain(spool));
    }

    @Test
    void theByteBoundDropsTheOldestAndCountsThem() throws Exception {
        Spool spool = new Spool(dir, 1000, 1000);
        for (int i = 1; i <= 10; i++) {
            spool.append("k" + i, List.of(value(i, 300)));
        }
        assertEquals(3, spool.records(), "three records of ~320 bytes fit in 1000");
        assertEquals(7, spool.dropped());
        assertEquals(List.of("k8", "k9", "k10"), drain(spool));
        assertThrows(IllegalArgumentException.class, () -> spool.append("big", List.of(new byte[2000])));
    }

    @Test
    void recordsSurviveARestartInOrder() throws Exception {
        Spool first = new Spool(dir, 1 << 20, 100);
        for (int i = 1; i <= 4; i++) {
            first.append("k" + i, List.of(value(i, 50)));
        }
        Spool.Entry head = first.awaitHead(1, TimeUnit.SECONDS);
        first.acknowledge(head.id());
        Files.writeString(dir.resolve("00000000000000000099.batch.tmp"), "half-written");

        Spool second = new Spool(dir, 1 << 20, 100);
        assertEquals(3, second.records());
        second.append("k5", List.of(value(5, 50)));
        Spool.Entry next = second.awaitHead(1, TimeUnit.SECONDS);
        assertEquals("k2", next.key());
        assertArrayEquals(value(2, 50), next.values().getFirst());
        assertEquals(List.of("k2", "k3", "k4", "k5"), drain(second));
        assertEquals(false, Files.exists(dir.resolve("00000000000000000099.batch.tmp")), "temporary file removed");
    }

    @Test
    void aDamagedFileIsSkippedAndCounted() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 100);
        spool.append("k1", List.of(value(1, 40)));
        spool.append("k2", List.of(value(2, 40)));
        Path firstFile;
        try (Stream<Path> files = Files.list(dir)) {
            firstFile = files.sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(firstFile);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(firstFile, bytes);
        assertEquals(List.of("k2"), drain(spool));
        assertEquals(1, spool.corrupt());
    }

    @Test
    void anEvictedRecordInFlightThatIsSentAfterAllIsNotCountedAsDropped() throws Exception {
        Spool spool = new Spool(dir, 1 << 20, 2);
        spool.append("k1", List.of(value(1, 10)));
        spool.append("k2", List.of(value(2, 10)));
        Spool.Entry inFlight = spool.awaitHead(1, TimeUnit.SECONDS);
        spool.append("k3", List.of(value(3, 10)));
        assertEquals(1, spool.dropped());
        spool.acknowledge(inFlight.id());
        assertEquals(0, spool.dropped(), "k1 was sent after all");
        assertEquals(List.of("k2", "k3"), drain(spool));
    }

    @Test
    void aNewBoundSmallerThanWhatIsSpooledDropsTheOldestAtOpen() throws Exception {
        Spool big = new Spool(dir, 1 << 20, 10);
        for (int i = 1; i <= 6; i++) {
            big.append("k" + i, List.of(value(i, 10)));
        }
        Spool small = new Spool(dir, 1 << 20, 2);
        assertEquals(4, small.dropped());
        assertEquals(List.of("k5", "k6"), drain(small));
    }

    private static List<String> drain(Spool spool) throws InterruptedException {
        List<String> keys = new ArrayList<>();
        Spool.Entry e;
        while ((e = spool.awaitHead(10, TimeUnit.MILLISECONDS)) != null) {
            keys.add(e.key());
            spool.acknowledge(e.id());
        }
        return keys;
    }

    private static byte[] value(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }
}
