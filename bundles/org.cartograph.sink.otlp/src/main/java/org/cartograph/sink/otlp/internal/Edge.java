package org.cartograph.sink.otlp.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.cartograph.flow.Direction;
import org.cartograph.flow.Family;
import org.cartograph.flow.Flow;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;

/**
 * The flows of one interval (all its batches) that share a resource and point attributes, summed.
 * Point attributes follow the semantic conventions where they exist: {@code network.transport},
 * {@code network.type}, {@code source.address}, {@code destination.address} (the remote DNS name
 * when known, else its IP), {@code destination.port} (only for outgoing connections: the server's
 * port, never an ephemeral one); Cartograph's own are {@code cartograph.direction},
 * {@code cartograph.destination.service} and {@code cartograph.destination.container.name}.
 */
final class Edge {

    /** RTT histogram bounds in seconds: 50 µs .. 5 s. */
    static final double[] RTT_BOUNDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5, 5};

    /** What makes two flows of one resource fall into the same edge. */
    record Key(Resource resource, String transport, String type, String direction, String source, String destination,
               int destinationPort, String service, String container) {

        /** @return the key of a flow with this resource */
        static Key of(Resource resource, Flow f) {
            String dest = f.dnsNames().isEmpty() ? f.key().remoteAddress().toString() : f.dnsNames().getFirst();
            return new Key(resource, f.key().protocol().label(), f.key().family() == Family.V4
                    ? "ipv4" : "ipv6", f.direction().label(), f.key().localAddress().toString(), dest,
                    f.direction() == Direction.OUTGOING ? f.key().remotePort() : -1, tag(f, "service", "kube_service"),
                    tag(f, "container_name", null));
        }

        private static String tag(Flow f, String first, String second) {
            String v = f.remoteTags().get(first);
            return v == null && second != null ? f.remoteTags().get(second) : v;
        }

        /** @return the point attributes */
        Attributes attributes() {
            AttributesBuilder b = Attributes.builder().put("network.transport", transport).put("network.type", type)
                    .put("cartograph.direction", direction).put("source.address", source)
                    .put("destination.address", destination);
            if (destinationPort >= 0) {
                b.put(AttributeKey.longKey("destination.port"), destinationPort);
            }
            if (service != null) {
                b.put("cartograph.destination.service", service);
            }
            if (container != null) {
                b.put("cartograph.destination.container.name", container);
            }
            return b.build();
        }
    }

    long bytesSent;
    long bytesReceived;
    long packetsSent;
    long packetsReceived;
    long retransmits;
    long established;
    long closed;
    final Map<Integer, Long> failures = new HashMap<>(2);
    final long[] rttCounts = new long[RTT_BOUNDS.length + 1];
    long rttCount;
    double rttSum;
    double rttMin = Double.MAX_VALUE;
    double rttMax;

    /** @param f a flow of this edge; its interval delta is added */
    void add(Flow f) {
        var d = f.delta();
        bytesSent += d.bytesSent();
        bytesReceived += d.bytesReceived();
        packetsSent += d.packetsSent();
        packetsReceived += d.packetsReceived();
        retransmits += d.retransmits();
        established += d.tcpEstablished();
        closed += d.tcpClosed();
        if (!d.tcpFailures().isEmpty()) {
            d.tcpFailures().forEach((errno, n) -> failures.merge(errno, n, Long::sum));
        }
        if (d.rttMicros() > 0) {
            double s = d.rttMicros() / 1e6;
            int i = Arrays.binarySearch(RTT_BOUNDS, s);
            rttCounts[i >= 0 ? i : -i - 1]++;
            rttCount++;
            rttSum += s;
            rttMin = Math.min(rttMin, s);
            rttMax = Math.max(rttMax, s);
        }
    }
}
