package org.cartograph.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/**
 * The synthetic interval the sink benchmarks measure: many outgoing TCP flows from one host to
 * {@code edges} destinations, with varied counters, a retransmit on every 50th, an established
 * and closed connection on every 10th, a refused one on every 100th, seven local workloads.
 */
public final class SyntheticBatches {

    private SyntheticBatches() {
    }

    /**
     * @param flows     flows in the batch
     * @param edges     distinct destinations (and remote {@code service} tags)
     * @param localTag  the tag naming the local workload, e.g. {@code service} or {@code pod_name}
     * @return a 10 s batch, sequence 1, host {@code bench}
     */
    public static FlowBatch batch(int flows, int edges, String localTag) {
        List<Flow> out = new ArrayList<>(flows);
        for (int i = 0; i < flows; i++) {
            ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.ofV4(0x0A000001), 32768 + (i & 0x3FFF),
                    IpAddress.ofV4(0x0A640000 + (i % edges)), 443, 4026531840L);
            ConnectionStats d = new ConnectionStats(1000 + i, 2000, 3, 4, i % 50 == 0 ? 1 : 0, 200 + i % 5000, 30,
                    i % 10 == 0 ? 1 : 0, i % 10 == 0 ? 1 : 0, i % 100 == 0 ? Map.of(111, 1L) : Map.of());
            TagSet local = TagSet.of(Map.of(localTag, localTag + "-" + (i % 7), "container_name", "c-" + (i % 7)));
            TagSet remote = TagSet.of(Map.of("service", "dst-" + (i % edges)));
            out.add(new Flow(key, i, 1000 + i, "proc", 0, Direction.OUTGOING, false, true, false, false, d, d, null,
                    List.of(), local, remote));
        }
        return new FlowBatch(1, "bench", Instant.now(), Duration.ofSeconds(10), out, List.of());
    }
}
