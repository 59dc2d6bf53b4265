package org.cartograph.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.opentelemetry.sdk.metrics.data.MetricData;

class UnsentMetricsTest {

    @Test
    void whatWasSentIsRemovedOnlyWhenAcceptedAndTheOldestBeyondTheLimitIsDropped() {
        UnsentMetrics unsent = new UnsentMetrics();
        List<List<MetricData>> intervals = new ArrayList<>();
        for (int i = 1; i <= UnsentMetrics.MAX_INTERVALS + 2; i++) {
            intervals.add(new MetricMapper().map(Batches.batch(i, List.of(Batches.flow(40000, "10.0.0.2", "db", i, 1,
                    0, Map.of())), List.of())));
        }
        unsent.add(intervals.get(0));
        UnsentMetrics.Snapshot first = unsent.snapshot();
        assertEquals(intervals.get(0), first.metrics());
        unsent.add(intervals.get(1));
        unsent.acknowledge(first);
        assertEquals(List.of(intervals.get(1)), unsent.snapshot().intervals(), "added after the snapshot: kept");

        intervals.subList(2, intervals.size()).forEach(unsent::add);
        UnsentMetrics.Snapshot all = unsent.snapshot();
        assertEquals(UnsentMetrics.MAX_INTERVALS, all.intervals().size());
        assertEquals(intervals.get(2), all.intervals().getFirst(), "the oldest went first");
        assertEquals(1, unsent.dropped());
        unsent.acknowledge(all);
        assertEquals(List.of(), unsent.snapshot().metrics());
    }
}
