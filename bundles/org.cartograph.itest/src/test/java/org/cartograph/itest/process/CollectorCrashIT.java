package org.cartograph.itest.process;

import static org.cartograph.itest.process.KafkaFleetIT.counter;
import static org.cartograph.itest.process.KafkaFleetIT.sequences;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SortedSet;

import org.cartograph.testkit.kafka.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collector killed with SIGKILL while one of its sinks still holds batches loses none of them:
 * its offsets wait for every sink, so the next collector of the group reads those batches again.
 * One real broker, an agent process (replay script, Kafka sink) and two collector processes: the
 * first has an OTLP sink whose endpoint refuses connections (its queue retries) besides JSON Lines;
 * it is killed, and the second, with JSON Lines only, must write every batch the agent produced.
 */
class CollectorCrashIT {

    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String TOPIC = "crash.flows";
    private static final String HOST = "agent-crash";

    @TempDir
    Path dir;

    @Test
    void batchesASinkStillHeldAreReadAgainAfterTheCollectorIsKilled() throws Exception {
        Path script = Files.writeString(dir.resolve("replay.yaml"), """
                steps:
                  - open:
                      - {id: c, protocol: tcp, laddr: 192.0.2.20, lport: 52000, raddr: 198.51.100.9, rport: 443,
                         cookie: 1, pid: 8, process: crash, direction: outgoing, bytes_sent: 10, bytes_received: 20,
                         packets_sent: 1, packets_received: 1, established: 1}
                repeat: true
                """);
        int refused = AgentProcess.freePort();
        try (KafkaBroker broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")))) {
            broker.createTopic(TOPIC, 1);
            try (AgentProcess agent = Fleet.agent(dir, HOST, broker, TOPIC, script);
                 AgentProcess first = Fleet.collector(dir, "collector-1", broker, TOPIC, "crash", Map.of(
                         "CARTOGRAPH_SINKS_OTLP_ENABLED", "true",
                         "CARTOGRAPH_SINKS_OTLP_ENDPOINT", "http://127.0.0.1:" + refused,
                         "CARTOGRAPH_SINKS_OTLP_PROTOCOL", "http/protobuf"))) {
                first.await(START, "collector 1 wrote 4 batches of the agent while its OTLP queue holds 3",
                        () -> sequences(first.dir.resolve("flows.jsonl"), HOST).size() >= 4
                                && counter(first, "sink.otlp.queue", "queued") >= 3);
                assertTrue(counter(first, "collector.kafka", "awaiting_sinks") >= 3, "their offsets wait for the OTLP sink");
                first.kill();
                SortedSet<Long> seenByFirst = sequences(first.dir.resolve("flows.jsonl"), HOST);
                try (AgentProcess second = Fleet.collector(dir, "collector-2", broker, TOPIC, "crash", Map.of())) {
                    second.await(WAIT, "collector 2 wrote every batch collector 1 had consumed, and newer ones",
                            () -> {
                                SortedSet<Long> got = sequences(second.dir.resolve("flows.jsonl"), HOST);
                                return got.containsAll(seenByFirst) && !got.isEmpty() && got.last() > seenByFirst.last() + 2;
                            });
                    SortedSet<Long> produced = sequences(agent.dir.resolve("flows.jsonl"), HOST)
                            .subSet(seenByFirst.first(), seenByFirst.last() + 3);
                    SortedSet<Long> got = sequences(second.dir.resolve("flows.jsonl"), HOST);
                    assertTrue(got.containsAll(produced), "every batch from the first collector 1 saw on: "
                            + produced + " in " + got);
                    assertTrue(counter(agent, "sink.kafka", "dropped") == 0, "the agent's Kafka sink dropped nothing");
                }
            }
        }
    }
}
