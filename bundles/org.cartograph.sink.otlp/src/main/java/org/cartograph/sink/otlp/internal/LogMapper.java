package org.cartograph.sink.otlp.internal;

import java.util.ArrayList;
import java.util.List;

import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.logs.data.LogRecordData;

/**
 * Turns each flow of a batch into one log record: {@code network.transport}, {@code network.type},
 * {@code source.address}/{@code source.port}, {@code destination.address}/{@code destination.port},
 * {@code process.pid} and {@code process.executable.name} when known, and the interval's counters
 * as {@code cartograph.*} attributes. Not thread-safe (the sink's thread).
 */
final class LogMapper {

    private final Resources resources = new Resources();

    /**
     * @param batch a batch
     * @return one record per flow
     */
    List<LogRecordData> map(FlowBatch batch) {
        long time = batch.time().getEpochSecond() * 1_000_000_000L + batch.time().getNano();
        List<LogRecordData> out = new ArrayList<>(batch.flows().size());
        for (Flow f : batch.flows()) {
            ConnectionStats d = f.delta();
            AttributesBuilder b = Attributes.builder()
                    .put("network.transport", f.key().protocol().label())
                    .put("network.type", f.key().family().label().equals("v4") ? "ipv4" : "ipv6")
                    .put("source.address", f.key().localAddress().toString())
                    .put(AttributeKey.longKey("source.port"), f.key().localPort())
                    .put("destination.address", f.key().remoteAddress().toString())
                    .put(AttributeKey.longKey("destination.port"), f.key().remotePort())
                    .put("cartograph.direction", f.direction().label())
                    .put("cartograph.batch", batch.sequence())
                    .put("cartograph.bytes_sent", d.bytesSent())
                    .put("cartograph.bytes_received", d.bytesReceived())
                    .put("cartograph.packets_sent", d.packetsSent())
                    .put("cartograph.packets_received", d.packetsReceived())
                    .put("cartograph.retransmits", d.retransmits())
                    .put("cartograph.rtt_us", d.rttMicros())
                    .put("cartograph.closed", f.closed());
            if (f.pid() > 0) {
                b.put(AttributeKey.longKey("process.pid"), f.pid());
            }
            if (!f.process().isEmpty()) {
                b.put("process.executable.name", f.process());
            }
            if (!f.dnsNames().isEmpty()) {
                b.put("cartograph.dns_names", f.dnsNames().toArray(String[]::new));
            }
            d.tcpFailures().forEach((errno, n) -> b.put("cartograph.tcp_failures." + FailureCause.of(errno), n));
            out.add(new LogRecord(resources.of(batch.host(), f.localTags()), time, b.build()));
        }
        return out;
    }
}
