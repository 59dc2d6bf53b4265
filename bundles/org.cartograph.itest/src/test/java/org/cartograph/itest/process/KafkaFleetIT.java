package org.cartograph.itest.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.kafka.common.utils.Utils;
import org.cartograph.testkit.kafka.KafkaBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The fleet as users run it, all as processes: one real KRaft broker, two agents
 * ({@code bin/cartograph run}, each replaying a script under its own host name, with the Kafka
 * sink) and two collectors ({@code java -jar collector.jar}, one consumer group, JSON Lines sink
 * each). Every batch of both agents reaches the collectors, and when collector 1 is stopped while
 * the agents keep producing, collector 2 takes over its partition with no batch missing: for each
 * agent, every batch sequence in the agent's own JSON Lines output is in the collectors' output.
 */
class KafkaFleetIT {

    /** Four runtimes and a broker start at once: generous on a loaded build machine. */
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "fleet.flows";
    @TempDir
    Path dir;

    @Test
    void twoAgentsBatchesReachTheCollectorsAndTheSecondTakesOverWithNoGap() throws Exception {
        List<String> hosts = hostsOnDistinctPartitions();
        Path script = Files.writeString(dir.resolve("replay.yaml"), """
                steps:
                  - open:
                      - {id: c, protocol: tcp, laddr: 192.0.2.10, lport: 51000, raddr: 198.51.100.7, rport: 9092,
                         cookie: 1, pid: 7, process: fleet, direction: outgoing, bytes_sent: 100, bytes_received: 200,
                         packets_sent: 1, packets_received: 1, established: 1}
                repeat: true
                """);
        try (KafkaBroker broker = startBroker();
             AgentProcess c1 = Fleet.collector(dir, "collector-1", broker, TOPIC, "fleet", Map.of());
             AgentProcess c2 = Fleet.collector(dir, "collector-2", broker, TOPIC, "fleet", Map.of());
             AgentProcess a = Fleet.agent(dir, hosts.get(0), broker, TOPIC, script);
             AgentProcess b = Fleet.agent(dir, hosts.get(1), broker, TOPIC, script)) {
            c1.await(START, "one partition each", () -> partitions(c1) == 1 && partitions(c2) == 1);
            for (AgentProcess agent : List.of(a, b)) {
                agent.await(START, "the replay backend running", () -> "true".equals(attribute(agent, "capture.replay",
                        "running")));
            }
            // the agents switch capture backends at start (the kernel ones are disabled): wait until each
            // sends a batch with flows every interval, so that every batch around the stop can be checked
            c1.await(START, "5 consecutive batches of each agent at the collectors",
                    () -> hosts.stream().allMatch(h -> steady(consumed(h, c1, c2))));
            assertTrue(counter(c1, "collector.kafka", "decoded") > 0, "collector 1 consumed batches");
            assertTrue(counter(c2, "collector.kafka", "decoded") > 0, "collector 2 consumed batches");
            String moved = ownedBy(c1, c2, hosts);
            c1.close();
            long lastOfFirst = sequences(c1.dir.resolve("flows.jsonl"), moved).last();
            c2.await(WAIT, "collector 2 owns both partitions", () -> partitions(c2) == 2);
            c2.await(WAIT, "collector 2 consumes " + moved + "'s batches after " + lastOfFirst,
                    () -> last(sequences(c2.dir.resolve("flows.jsonl"), moved)) >= lastOfFirst + 3);
            for (AgentProcess agent : List.of(a, b)) {
                String host = hosts.get(agent == a ? 0 : 1);
                // every batch with flows that the agent wrote to its own JSON Lines file, from the first
                // one the collectors got (its JSON Lines sink may have started a batch before its Kafka sink)
                SortedSet<Long> produced = sequences(agent.dir.resolve("flows.jsonl"), host)
                        .tailSet(consumed(host, c1, c2).first());
                assertTrue(produced.last() > lastOfFirst + 3, host + " produced after the stop: " + produced);
                if (host.equals(moved)) {
                    for (long seq = lastOfFirst - 2; seq <= lastOfFirst + 3; seq++) {
                        assertTrue(produced.contains(seq), "batch " + seq + " around the takeover has flows: " + produced);
                    }
                }
                c2.await(WAIT, "every batch of " + host + " at the collectors",
                        () -> consumed(host, c1, c2).containsAll(produced));
                assertEquals(0, counter(agent, "sink.kafka", "dropped"), host + "'s Kafka sink dropped nothing");
            }
        }
    }

    private KafkaBroker startBroker() throws Exception {
        KafkaBroker broker = KafkaBroker.start(Files.createDirectories(dir.resolve("broker")));
        try {
            broker.createTopic(TOPIC, 2);
            return broker;
        } catch (Exception e) {
            broker.close();
            throw e;
        }
    }

    /** @return two host names whose records the producer's default partitioner puts on partitions 0 and 1 */
    private static List<String> hostsOnDistinctPartitions() {
        String first = "agent-a";
        int p = partition(first);
        for (char c = 'b'; c <= 'z'; c++) {
            String other = "agent-" + c;
            if (partition(other) != p) {
                return List.of(first, other);
            }
        }
        throw new AssertionError("no host name on the other partition");
    }

    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    /** @return the host whose partition {@code c1} reads now: it has that host's latest batch */
    private static String ownedBy(AgentProcess c1, AgentProcess c2, List<String> hosts) {
        List<String> owned = new ArrayList<>();
        for (String h : hosts) {
            if (last(sequences(c1.dir.resolve("flows.jsonl"), h)) > last(sequences(c2.dir.resolve("flows.jsonl"), h))) {
                owned.add(h);
            }
        }
        assertEquals(1, owned.size(), "collector 1 reads exactly one agent's partition: " + owned);
        return owned.getFirst();
    }

    /** @return whether the last 5 sequences are consecutive */
    private static boolean steady(SortedSet<Long> seqs) {
        long last = last(seqs);
        return last >= 5 && seqs.tailSet(last - 4).size() == 5;
    }

    private static long last(SortedSet<Long> seqs) {
        return seqs.isEmpty() ? -1 : seqs.last();
    }

    private static SortedSet<Long> consumed(String host, AgentProcess c1, AgentProcess c2) {
        SortedSet<Long> all = sequences(c1.dir.resolve("flows.jsonl"), host);
        all.addAll(sequences(c2.dir.resolve("flows.jsonl"), host));
        return all;
    }

    /** @return the batch sequences of this host's flow lines in a JSON Lines file */
    static SortedSet<Long> sequences(Path jsonl, String host) {
        SortedSet<Long> seqs = new TreeSet<>();
        if (!Files.exists(jsonl)) {
            return seqs;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl);
        } catch (IOException e) {
            return seqs;
        }
        for (String l : lines) {
            try {
                JsonNode n = JSON.readTree(l);
                if ("conn".equals(n.path("type").asText()) && host.equals(n.path("host").asText())) {
                    seqs.add(n.get("batch").asLong());
                }
            } catch (IOException e) {
                // the line being written: read again at the next poll
            }
        }
        return seqs;
    }

    private static long partitions(AgentProcess collector) {
        return counter(collector, "collector.kafka", "partitions");
    }

    private static String attribute(AgentProcess p, String component, String attribute) {
        try {
            JsonNode status = JSON.readTree(p.get("/status", null, null).body());
            for (JsonNode c : status.path("components")) {
                if (c.path("component").asText().equals(component)) {
                    return c.path("attributes").path(attribute).asText();
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    static long counter(AgentProcess p, String component, String counter) {
        try {
            JsonNode status = JSON.readTree(p.get("/status", null, null).body());
            for (JsonNode c : status.path("components")) {
                if (c.path("component").asText().equals(component)) {
                    return c.path("counters").path(counter).asLong(-1);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
