package org.cartograph.sink.jsonl.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.Tag;
import org.cartograph.event.NetworkEvent;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

/**
 * Encodes a {@link FlowBatch} as JSON lines: one {@code conn} object per flow, then one
 * {@code dns} object per DNS statistic, each followed by {@code \n}; and network events as one
 * {@code event} object each. The field names are a public contract, listed in the bundle's
 * README.md; change them only by adding fields.
 *
 * <p>Stateless apart from the thread-safe {@link JsonFactory}; may be used from any thread.
 */
final class BatchEncoder {

    private final JsonFactory factory = new JsonFactoryBuilder()
            .rootValueSeparator((String) null)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    /**
     * Writes the batch to {@code out} and flushes the generator; does not close {@code out}.
     *
     * @param batch the batch
     * @param out   where the lines go
     * @return the number of lines written
     * @throws IOException if {@code out} fails
     */
    int write(FlowBatch batch, OutputStream out) throws IOException {
        String time = batch.time().toString();
        int lines = 0;
        try (JsonGenerator g = factory.createGenerator(out)) {
            for (Flow flow : batch.flows()) {
                writeHeader(g, "conn", time, batch);
                writeConnection(g, flow);
                g.writeEndObject();
                g.writeRaw('\n');
                lines++;
            }
            for (DnsStats dns : batch.dns()) {
                writeHeader(g, "dns", time, batch);
                writeDns(g, dns);
                g.writeEndObject();
                g.writeRaw('\n');
                lines++;
            }
            g.flush();
        }
        return lines;
    }

    /**
     * Writes one {@code event} line per event and flushes the generator; does not close {@code out}.
     *
     * @param events the events
     * @param out    where the lines go
     * @return the number of lines written
     * @throws IOException if {@code out} fails
     */
    int writeEvents(List<NetworkEvent> events, OutputStream out) throws IOException {
        int lines = 0;
        try (JsonGenerator g = factory.createGenerator(out)) {
            for (NetworkEvent e : events) {
                g.writeStartObject();
                g.writeStringField("type", "event");
                g.writeStringField("time", e.time().toString());
                g.writeStringField("kind", e.kind());
                g.writeStringField("source", e.source());
                g.writeStringField("destination", e.destination());
                g.writeStringField("message", e.message());
                g.writeObjectFieldStart("evidence");
                if (!e.evidence().isEmpty()) {
                    String[] names = e.evidence().keySet().toArray(new String[0]);
                    Arrays.sort(names);
                    for (String name : names) {
                        g.writeStringField(name, e.evidence().get(name));
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
                g.writeRaw('\n');
                lines++;
            }
            g.flush();
        }
        return lines;
    }

    private static void writeHeader(JsonGenerator g, String type, String time, FlowBatch batch) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeStringField("time", time);
        g.writeFieldName("interval_s");
        writeSeconds(g, batch.interval());
        g.writeStringField("host", batch.host());
        g.writeNumberField("batch", batch.sequence());
    }

    /** Whole seconds as an integer, anything else as a fraction. */
    private static void writeSeconds(JsonGenerator g, Duration interval) throws IOException {
        if (interval.getNano() == 0) {
            g.writeNumber(interval.getSeconds());
        } else {
            g.writeNumber(interval.getSeconds() + interval.getNano() / 1e9);
        }
    }

    private static void writeConnection(JsonGenerator g, Flow flow) throws IOException {
        ConnectionKey key = flow.key();
        g.writeStringField("family", key.family().label());
        g.writeStringField("protocol", key.protocol().label());
        g.writeStringField("laddr", key.localAddress().toString());
        g.writeNumberField("lport", key.localPort());
        g.writeStringField("raddr", key.remoteAddress().toString());
        g.writeNumberField("rport", key.remotePort());
        g.writeNumberField("netns", key.netns());
        g.writeNumberField("pid", flow.pid());
        g.writeStringField("process", flow.process());
        g.writeStringField("direction", flow.direction().label());
        g.writeBooleanField("intra_host", flow.intraHost());
        g.writeBooleanField("ephemeral_lport", flow.ephemeralLocalPort());
        g.writeBooleanField("preexisting", flow.preexisting());
        g.writeBooleanField("closed", flow.closed());
        ConnectionStats d = flow.delta();
        g.writeNumberField("bytes_sent", d.bytesSent());
        g.writeNumberField("bytes_received", d.bytesReceived());
        g.writeNumberField("packets_sent", d.packetsSent());
        g.writeNumberField("packets_received", d.packetsReceived());
        g.writeNumberField("retransmits", d.retransmits());
        g.writeNumberField("rtt_us", d.rttMicros());
        g.writeNumberField("rtt_var_us", d.rttVarMicros());
        g.writeNumberField("tcp_established", d.tcpEstablished());
        g.writeNumberField("tcp_closed", d.tcpClosed());
        writeFailures(g, d.tcpFailures());
        writeNat(g, flow.nat());
        g.writeArrayFieldStart("dns_names");
        for (String name : flow.dnsNames()) {
            g.writeString(name);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("tags");
        writeTags(g, "local", flow.localTags());
        writeTags(g, "remote", flow.remoteTags());
        g.writeEndObject();
    }

    /** Failures by errno, in ascending errno order so equal batches give equal lines. */
    private static void writeFailures(JsonGenerator g, Map<Integer, Long> failures) throws IOException {
        g.writeObjectFieldStart("tcp_failures");
        if (!failures.isEmpty()) {
            Integer[] errnos = failures.keySet().toArray(new Integer[0]);
            Arrays.sort(errnos);
            for (Integer errno : errnos) {
                g.writeNumberField(errno.toString(), failures.get(errno));
            }
        }
        g.writeEndObject();
    }

    private static void writeNat(JsonGenerator g, ConnectionKey nat) throws IOException {
        if (nat == null) {
            g.writeNullField("nat");
            return;
        }
        g.writeObjectFieldStart("nat");
        g.writeStringField("laddr", nat.localAddress().toString());
        g.writeNumberField("lport", nat.localPort());
        g.writeStringField("raddr", nat.remoteAddress().toString());
        g.writeNumberField("rport", nat.remotePort());
        g.writeEndObject();
    }

    /**
     * One object of tag name to value; a name with several values gets an array. Relies on
     * {@link TagSet} keeping its tags sorted by name, so the values of a name are adjacent.
     */
    private static void writeTags(JsonGenerator g, String field, TagSet tags) throws IOException {
        g.writeObjectFieldStart(field);
        List<Tag> list = tags.tags();
        int i = 0;
        while (i < list.size()) {
            String key = list.get(i).key();
            int end = i + 1;
            while (end < list.size() && list.get(end).key().equals(key)) {
                end++;
            }
            if (end - i == 1) {
                g.writeStringField(key, list.get(i).value());
            } else {
                g.writeArrayFieldStart(key);
                for (int j = i; j < end; j++) {
                    g.writeString(list.get(j).value());
                }
                g.writeEndArray();
            }
            i = end;
        }
        g.writeEndObject();
    }

    private static void writeDns(JsonGenerator g, DnsStats dns) throws IOException {
        g.writeStringField("client", dns.client().toString());
        g.writeStringField("server", dns.server().toString());
        g.writeStringField("domain", dns.domain());
        g.writeStringField("query_type", dns.queryType());
        g.writeNumberField("queries", dns.queries());
        g.writeNumberField("timeouts", dns.timeouts());
        g.writeObjectFieldStart("rcodes");
        if (!dns.rcodes().isEmpty()) {
            String[] names = dns.rcodes().keySet().toArray(new String[0]);
            Arrays.sort(names);
            for (String name : names) {
                g.writeNumberField(name, dns.rcodes().get(name));
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("latency_us");
        g.writeNumberField("p50", dns.latencyP50Micros());
        g.writeNumberField("p99", dns.latencyP99Micros());
        g.writeNumberField("sum", dns.latencySumMicros());
        g.writeEndObject();
        writeLatency(g, "success_latency_us", dns.successLatency());
        writeLatency(g, "failure_latency_us", dns.failureLatency());
    }

    private static void writeLatency(JsonGenerator g, String field, DnsLatency latency) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("p50", latency.p50Micros());
        g.writeNumberField("p99", latency.p99Micros());
        g.writeNumberField("sum", latency.sumMicros());
        g.writeNumberField("count", latency.count());
        g.writeEndObject();
    }
}
