package org.cartograph.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cartograph.flow.FlowBatch;
import org.cartograph.kafka.internal.schema.BatchCodec;
import org.cartograph.kafka.internal.sink.KafkaSinkAccess;
import org.cartograph.kafka.internal.collector.KafkaCollectorAccess;
import org.cartograph.testkit.kafka.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink and the collector against a real KRaft broker, started once for the class (a child
 * JVM on loopback ports) and stopped and restarted by one test.
 */
class KafkaBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path brokerDir;
    private static KafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void batchesConsumedMatchWhatTheSinkWasGiven() throws Exception {
        broker.createTopic("match", 1);
        List<FlowBatch> produced = new ArrayList<>();
        try (var sink = KafkaSinkAccess.open(broker.bootstrap(), "match", dir.resolve("spool"))) {
            for (long seq = 1; seq <= 20; seq++) {
                FlowBatch b = Batches.batch("host-a", seq);
                if (seq % 4 != 0) {
                    b = new FlowBatch(seq, b.host(), b.time(), b.interval(), b.flows(), b.dns(), false);
                }
                produced.add(b);
                assertTrue(sink.deliver(b), "batch " + seq + " spooled");
            }
            Await.until(WAIT, () -> sink.sent() == 20, () -> "20 sent, status " + sink.status());
            assertEquals(0, sink.spooled(), "nothing left in the spool");
            assertEquals("true", sink.status().attributes().get("connected"));
        }
        List<ConsumerRecord<String, byte[]>> records = consume("match", 20);
        List<FlowBatch> consumed = new ArrayList<>();
        for (var r : records) {
            assertEquals("host-a", r.key(), "the key is the host");
            assertEquals(BatchCodec.MESSAGE_TYPE, new String(r.headers().lastHeader("cartograph.schema").value()));
            consumed.add(new BatchCodec().decode(r.value()));
        }
        assertEquals(produced, consumed, "every field, lastOfInterval too");
    }

    @Test
    void brokerRestartedMidRunLosesNothingWithinTheSpool() throws Exception {
        broker.createTopic("restart", 1);
        try (var sink = KafkaSinkAccess.open(broker.bootstrap(), "restart", dir.resolve("spool"))) {
            for (long seq = 1; seq <= 5; seq++) {
                sink.deliver(Batches.batch("host-a", seq));
            }
            Await.until(WAIT, () -> sink.sent() == 5, () -> "5 sent before the stop, status " + sink.status());
            broker.stop();
            for (long seq = 6; seq <= 15; seq++) {
                assertTrue(sink.deliver(Batches.batch("host-a", seq)), "batch " + seq + " spooled while down");
            }
            Await.until(WAIT, () -> sink.spooled() == 10, () -> "10 waiting in the spool, status " + sink.status());
            Await.until(WAIT, () -> "false".equals(sink.status().attributes().get("connected")),
                    () -> "disconnected, status " + sink.status());
            broker.start();
            Await.until(WAIT, () -> sink.sent() == 15, () -> "15 sent after the restart, status " + sink.status());
            assertEquals(0, sink.spooled());
            assertEquals(0L, sink.status().counters().get("dropped"));
        }
        List<Long> sequences = new ArrayList<>();
        for (var r : consume("restart", 15)) {
            sequences.add(new BatchCodec().decode(r.value()).sequence());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L),
                List.copyOf(new LinkedHashSet<>(sequences)), "every batch, in order");
    }

    @Test
    void aBatchLargerThanOneRecordIsSplitAndJoinedAgain() throws Exception {
        broker.createTopic("split", 1);
        try (var agent = KafkaSinkAccess.open(broker.bootstrap(), "split", dir.resolve("spool"), 4096);
             var collector = KafkaCollectorAccess.open(broker.bootstrap(), "split", "split-group")) {
            FlowBatch first = Batches.big("big-host", 1, 300);
            List<FlowBatch> produced = List.of(new FlowBatch(1, first.host(), first.time(), first.interval(),
                    first.flows(), List.of(), false), Batches.batch("big-host", 2), Batches.big("big-host", 3, 150));
            for (FlowBatch b : produced) {
                agent.deliver(b);
            }
            Await.until(WAIT, () -> collector.batches().size() >= 3,
                    () -> collector.batches().size() + " of 3 arrived, status " + collector.status());
            assertEquals(produced, collector.batches());
            assertTrue(agent.status().counters().get("sent") == 3);
        }
        assertTrue(consume("split", 10).size() > 10, "the big batches went as several records");
    }

    @Test
    void twoAgentsBatchesArriveInOneCollector() throws Exception {
        broker.createTopic("fleet", 2);
        try (var agentA = KafkaSinkAccess.open(broker.bootstrap(), "fleet", dir.resolve("a"));
             var agentB = KafkaSinkAccess.open(broker.bootstrap(), "fleet", dir.resolve("b"));
             var collector = KafkaCollectorAccess.open(broker.bootstrap(), "fleet", "fleet-group")) {
            sendRaw("fleet", "intruder", "not a batch".getBytes(StandardCharsets.UTF_8));
            for (long seq = 1; seq <= 10; seq++) {
                agentA.deliver(Batches.batch("agent-a", seq));
                agentB.deliver(Batches.batch("agent-b", seq));
            }
            Await.until(WAIT, () -> collector.batches().size() >= 20,
                    () -> collector.batches().size() + " of 20 arrived, status " + collector.status());
            Set<String> got = keys(collector.batches());
            for (long seq = 1; seq <= 10; seq++) {
                assertTrue(got.contains("agent-a/" + seq) && got.contains("agent-b/" + seq), "batch " + seq + " of both");
            }
            assertEquals(Batches.batch("agent-b", 3), collector.batches().stream()
                    .filter(b -> b.host().equals("agent-b") && b.sequence() == 3).findFirst().orElseThrow());
            Await.until(WAIT, () -> collector.status().counters().get("lag") == 0, () -> "lag 0: " + collector.status());
            assertEquals(2L, collector.status().counters().get("partitions"));
            assertEquals(1L, collector.status().counters().get("malformed"), "the malformed record was skipped");
        }
    }

    private static void sendRaw(String topic, String key, byte[] value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void secondCollectorTakesOverWhenTheFirstStops() throws Exception {
        broker.createTopic("takeover", 2);
        List<String> hosts = List.of("h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7");
        Set<String> sent = new LinkedHashSet<>();
        try (var agent = KafkaSinkAccess.open(broker.bootstrap(), "takeover", dir.resolve("spool"));
             var first = KafkaCollectorAccess.open(broker.bootstrap(), "takeover", "takeover-group");
             var second = KafkaCollectorAccess.open(broker.bootstrap(), "takeover", "takeover-group")) {
            Await.until(WAIT, () -> first.partitions() == 1 && second.partitions() == 1,
                    () -> "one partition each: " + first.status() + " / " + second.status());
            for (long seq = 1; seq <= 3; seq++) {
                for (String h : hosts) {
                    agent.deliver(Batches.batch(h, seq));
                    sent.add(h + "/" + seq);
                }
            }
            Await.until(WAIT, () -> union(first, second).containsAll(sent), () -> "round 1 arrived");
            assertTrue(first.batches().size() > 0 && second.batches().size() > 0, "both collectors consumed");
            first.close();
            Await.until(WAIT, () -> second.partitions() == 2, () -> "second has both partitions: " + second.status());
            for (long seq = 4; seq <= 6; seq++) {
                for (String h : hosts) {
                    agent.deliver(Batches.batch(h, seq));
                    sent.add(h + "/" + seq);
                }
            }
            Await.until(WAIT, () -> union(first, second).containsAll(sent),
                    () -> "missing " + missing(sent, union(first, second)));
            Set<String> secondGot = keys(second.batches());
            for (String h : hosts) {
                assertTrue(secondGot.contains(h + "/6"), "the second collector got " + h + "'s last batch");
            }
        }
    }

    private static Set<String> union(KafkaCollectorAccess a, KafkaCollectorAccess b) {
        Set<String> all = keys(a.batches());
        all.addAll(keys(b.batches()));
        return all;
    }

    private static Set<String> missing(Set<String> expected, Set<String> got) {
        Set<String> m = new LinkedHashSet<>(expected);
        m.removeAll(got);
        return m;
    }

    private static Set<String> keys(List<FlowBatch> batches) {
        Set<String> keys = new LinkedHashSet<>();
        for (FlowBatch b : batches) {
            keys.add(b.host() + "/" + b.sequence());
        }
        return keys;
    }

    private static List<ConsumerRecord<String, byte[]>> consume(String topic, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "verify-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // anything beyond the expected count (a duplicate) shows up here too
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertTrue(records.size() >= count, records.size() + " of " + count + " records consumed");
        return records;
    }
}
