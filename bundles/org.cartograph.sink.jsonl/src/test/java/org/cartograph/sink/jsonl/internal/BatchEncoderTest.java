package org.cartograph.sink.jsonl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class BatchEncoderTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> CONN_FIELDS = List.of("type", "time", "interval_s", "host", "batch", "family",
            "protocol", "laddr", "lport", "raddr", "rport", "netns", "pid", "process", "direction", "intra_host",
            "ephemeral_lport", "preexisting", "closed", "bytes_sent", "bytes_received", "packets_sent",
            "packets_received", "retransmits", "rtt_us", "rtt_var_us", "tcp_established", "tcp_closed",
            "tcp_failures", "nat", "dns_names", "tags");

    private static final List<String> DNS_FIELDS = List.of("type", "time", "interval_s", "host", "batch", "client",
            "server", "domain", "query_type", "queries", "timeouts", "rcodes", "latency_us", "success_latency_us",
            "failure_latency_us");

    private final BatchEncoder encoder = new BatchEncoder();

    @Test
    void connectionLineHasEveryFieldWithTheIntervalDelta() throws IOException {
        ConnectionKey key = new ConnectionKey(Protocol.UDP, IpAddress.parse("2001:0DB8:0000:0000:0000:0000:0000:0001"),
                5353, IpAddress.parse("2001:db8:0:0:1:0:0:2"), 53, 4026532000L);
        ConnectionStats delta = new ConnectionStats(11, 22, 3, 4, 5, 600, 70, 1, 1, Map.of(111, 2L, 104, 1L));
        ConnectionStats cumulative = new ConnectionStats(1011, 1022, 13, 14, 15, 600, 70, 1, 1, Map.of(111, 9L));
        TagSet local = TagSet.of(List.of(new Tag("container_name", "web"), new Tag("kube_service", "b"),
                new Tag("kube_service", "a")));
        TagSet remote = TagSet.of(Map.of("kube_namespace", "dns"));
        Flow flow = new Flow(key, 99, 1234, "resolver", 77, Direction.INCOMING, true, false, true, true, delta,
                cumulative, null, List.of("ns.example.com", "dns.example.com"), local, remote);

        List<JsonNode> lines = encode(new FlowBatch(41, "host-b", Batches.TIME, Duration.ofMillis(1500),
                List.of(flow), List.of()));

        assertEquals(1, lines.size());
        JsonNode l = lines.get(0);
        assertEquals(CONN_FIELDS, fieldNames(l));
        assertEquals("conn", l.get("type").asText());
        assertEquals("2025-03-04T05:06:07.250Z", l.get("time").asText());
        assertEquals(1.5, l.get("interval_s").asDouble());
        assertEquals("host-b", l.get("host").asText());
        assertEquals(41, l.get("batch").asLong());
        assertEquals("v6", l.get("family").asText());
        assertEquals("udp", l.get("protocol").asText());
        assertEquals("2001:db8::1", l.get("laddr").asText());
        assertEquals(5353, l.get("lport").asInt());
        assertEquals("2001:db8::1:0:0:2", l.get("raddr").asText());
        assertEquals(53, l.get("rport").asInt());
        assertEquals(4026532000L, l.get("netns").asLong());
        assertEquals(1234, l.get("pid").asInt());
        assertEquals("resolver", l.get("process").asText());
        assertEquals("incoming", l.get("direction").asText());
        assertTrue(l.get("intra_host").asBoolean());
        assertFalse(l.get("ephemeral_lport").asBoolean());
        assertTrue(l.get("preexisting").asBoolean());
        assertTrue(l.get("closed").asBoolean());
        assertEquals(11, l.get("bytes_sent").asLong());
        assertEquals(22, l.get("bytes_received").asLong());
        assertEquals(3, l.get("packets_sent").asLong());
        assertEquals(4, l.get("packets_received").asLong());
        assertEquals(5, l.get("retransmits").asLong());
        assertEquals(600, l.get("rtt_us").asInt());
        assertEquals(70, l.get("rtt_var_us").asInt());
        assertEquals(1, l.get("tcp_established").asInt());
        assertEquals(1, l.get("tcp_closed").asInt());
        assertEquals(MAPPER.readTree("{\"104\":1,\"111\":2}"), l.get("tcp_failures"));
        assertTrue(l.get("nat").isNull());
        assertEquals(MAPPER.readTree("[\"ns.example.com\",\"dns.example.com\"]"), l.get("dns_names"));
        assertEquals(MAPPER.readTree("{\"local\":{\"container_name\":\"web\",\"kube_service\":[\"a\",\"b\"]},"
                + "\"remote\":{\"kube_namespace\":\"dns\"}}"), l.get("tags"));
    }

    @Test
    void dnsLineHasEveryField() throws IOException {
        List<JsonNode> lines = encode(Batches.batch(8, List.of(), List.of(Batches.dns())));

        assertEquals(1, lines.size());
        JsonNode l = lines.get(0);
        assertEquals(DNS_FIELDS, fieldNames(l));
        assertEquals("dns", l.get("type").asText());
        assertEquals("2025-03-04T05:06:07.250Z", l.get("time").asText());
        assertTrue(l.get("interval_s").isIntegralNumber());
        assertEquals(10, l.get("interval_s").asInt());
        assertEquals("host-a", l.get("host").asText());
        assertEquals(8, l.get("batch").asLong());
        assertEquals("10.0.0.1", l.get("client").asText());
        assertEquals("10.0.0.53", l.get("server").asText());
        assertEquals("example.com", l.get("domain").asText());
        assertEquals("A", l.get("query_type").asText());
        assertEquals(3, l.get("queries").asLong());
        assertEquals(1, l.get("timeouts").asLong());
        assertEquals(MAPPER.readTree("{\"NOERROR\":2,\"NXDOMAIN\":1}"), l.get("rcodes"));
        assertEquals(MAPPER.readTree("{\"p50\":300,\"p99\":500,\"sum\":900}"), l.get("latency_us"));
        assertEquals(MAPPER.readTree("{\"p50\":200,\"p99\":300,\"sum\":500,\"count\":2}"),
                l.get("success_latency_us"));
        assertEquals(MAPPER.readTree("{\"p50\":400,\"p99\":400,\"sum\":400,\"count\":1}"),
                l.get("failure_latency_us"));
    }

    @Test
    void dnsWithoutTheOutcomeSplitWritesEmptySplits() throws IOException {
        JsonNode l = encode(Batches.batch(9, List.of(), List.of(Batches.dnsWithoutSplit()))).get(0);
        assertEquals(DNS_FIELDS, fieldNames(l));
        assertEquals(MAPPER.readTree("{\"p50\":300,\"p99\":500,\"sum\":900}"), l.get("latency_us"));
        assertEquals(MAPPER.readTree("{\"p50\":0,\"p99\":0,\"sum\":0,\"count\":0}"), l.get("success_latency_us"));
        assertEquals(MAPPER.readTree("{\"p50\":0,\"p99\":0,\"sum\":0,\"count\":0}"), l.get("failure_latency_us"));
    }

    @Test
    void ipv4AddressesAreDottedQuadsEvenWhenSeenAsMappedIpv6() throws IOException {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse("::ffff:192.168.1.10"), 443,
                IpAddress.ofV4(0x0A000002), 51000, 0);
        Flow flow = Batches.flow(1).withKey(key);

        JsonNode l = encode(Batches.batch(1, List.of(flow), List.of())).get(0);

        assertEquals("v4", l.get("family").asText());
        assertEquals("192.168.1.10", l.get("laddr").asText());
        assertEquals("10.0.0.2", l.get("raddr").asText());
    }

    @Test
    void natIsNullOrTheTranslatedTuple() throws IOException {
        ConnectionKey translated = new ConnectionKey(Protocol.TCP, IpAddress.parse("172.17.0.5"), 8080,
                IpAddress.parse("fd00::2"), 80, 0);
        List<JsonNode> lines = encode(Batches.batch(1,
                List.of(Batches.flow(1), Batches.flow(2).withNat(translated)), List.of()));

        assertTrue(lines.get(0).get("nat").isNull());
        assertEquals(MAPPER.readTree("{\"laddr\":\"172.17.0.5\",\"lport\":8080,\"raddr\":\"fd00::2\",\"rport\":80}"),
                lines.get(1).get("nat"));
    }

    @Test
    void emptyCollectionsAreEmptyObjectsAndArrays() throws IOException {
        JsonNode l = encode(Batches.batch(1, List.of(Batches.flow(1)), List.of())).get(0);

        assertEquals(MAPPER.readTree("{}"), l.get("tcp_failures"));
        assertEquals(MAPPER.readTree("[]"), l.get("dns_names"));
        assertEquals(MAPPER.readTree("{\"local\":{},\"remote\":{}}"), l.get("tags"));
    }

    @Test
    void connectionsComeFirstThenDnsEachOnItsOwnLine() throws IOException {
        FlowBatch batch = Batches.batch(5, List.of(Batches.flow(1), Batches.flow(2)), List.of(Batches.dns()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int count = encoder.write(batch, out);

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(3, count);
        assertTrue(text.endsWith("}\n"), text);
        String[] lines = text.split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("{\"type\":\"conn\""), lines[0]);
        assertEquals(2, MAPPER.readTree(lines[1]).get("lport").asInt());
        assertTrue(lines[2].startsWith("{\"type\":\"dns\""), lines[2]);
    }

    private List<JsonNode> encode(FlowBatch batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.write(batch, out);
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            nodes.add(MAPPER.readTree(line));
        }
        return nodes;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
