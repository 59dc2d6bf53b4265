package org.cartograph.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;

class IntervalAccumulatorTest {

    private final IntervalAccumulator intervals = new IntervalAccumulator(new MetricMapper());

    @Test
    void thePartsOfAnIntervalAreSummedIntoOnePointPerSeriesWithTheLastPart() {
        assertEquals(List.of(), intervals.add(Batches.part(10, 1, List.of(flow(40000, 100)), List.of(), false)));
        assertEquals(List.of(), intervals.add(Batches.part(11, 1, List.of(flow(40001, 200), flow(40002, 5)),
                List.of(), false)));
        assertEquals(2, intervals.openBatches());
        List<List<MetricData>> closed = intervals.add(Batches.part(12, 1, List.of(flow(40003, 1000)),
                List.of(Batches.dns("example.com")), true));

        assertEquals(1, closed.size());
        List<MetricData> metrics = closed.getFirst();
        assertOnePointPerSeries(metrics);
        assertEquals(1305, transmitted(metrics));
        assertEquals(4, MetricMapperTest.find(metrics, "cartograph.tcp.rtt").getHistogramData().getPoints()
                .iterator().next().getCount());
        assertEquals(3, MetricMapperTest.find(metrics, "cartograph.dns.queries").getLongSumData().getPoints()
                .iterator().next().getValue());
        LongPointData p = MetricMapperTest.find(metrics, "cartograph.network.io").getLongSumData().getPoints()
                .iterator().next();
        assertEquals(10_000_000_000L, p.getEpochNanos() - p.getStartEpochNanos());
        assertEquals(0, intervals.openBatches());
        assertEquals(0, intervals.incomplete());
    }

    @Test
    void anIntervalWhoseLastPartNeverCameIsClosedWhenTheNextIntervalBeginsAndCounted() {
        intervals.add(Batches.part(20, 1, List.of(flow(40000, 100)), List.of(), false));
        intervals.add(Batches.part(21, 1, List.of(flow(40001, 200)), List.of(), false));
        List<List<MetricData>> closed = intervals.add(Batches.part(23, 2, List.of(flow(40002, 7)), List.of(), false));

        assertEquals(1, closed.size(), "only the interrupted interval is closed");
        assertEquals(300, transmitted(closed.getFirst()));
        assertEquals(Batches.TIME.plusSeconds(10).toEpochMilli() * 1_000_000L, point(closed.getFirst()).getEpochNanos());
        assertEquals(1, intervals.incomplete());
        assertEquals(1, intervals.openBatches(), "the new interval is open with its first part");

        closed = intervals.add(Batches.part(24, 3, List.of(flow(40003, 9)), List.of(), true));
        assertEquals(2, closed.size(), "the interrupted interval, then the whole one");
        assertEquals(7, transmitted(closed.get(0)));
        assertEquals(9, transmitted(closed.get(1)));
        assertEquals(Batches.TIME.plusSeconds(30).toEpochMilli() * 1_000_000L, point(closed.get(1)).getEpochNanos());
        assertEquals(2, intervals.incomplete());
    }

    @Test
    void interleavedHostsOfACollectorEachGetTheirWholeIntervalAndEqualSequencesAreNoRetry() {
        intervals.add(Batches.part(5, 1, List.of(flow(40000, 100)), List.of(), false));
        List<List<MetricData>> closed = intervals.add(other(5, 1, 50, true));
        assertEquals(1, closed.size(), "host-b's whole interval, host-a's stays open");
        assertEquals(50, transmitted(closed.getFirst()));
        assertEquals("host-b", closed.getFirst().getFirst().getResource().getAttributes()
                .get(AttributeKey.stringKey("host.name")));
        assertEquals(List.of(), intervals.add(other(6, 2, 7, false)));
        closed = intervals.add(Batches.part(6, 1, List.of(flow(40001, 20)), List.of(), true));
        assertEquals(1, closed.size());
        assertEquals(120, transmitted(closed.getFirst()));
        assertEquals(0, intervals.incomplete());
        assertEquals(1, intervals.openBatches(), "host-b's second interval is open");
    }

    @Test
    void aQuietHostsOpenIntervalIsClosedOnceManyLaterBatchesOfOthersArrived() {
        intervals.add(Batches.part(1, 1, List.of(flow(40000, 100)), List.of(), false));
        for (int i = 1; i < IntervalAccumulator.STALE_AFTER_BATCHES; i++) {
            assertEquals(1, intervals.add(other(i, 1 + i, 1, true)).size(), "batch " + i);
        }
        assertEquals(0, intervals.incomplete(), "not yet: too few batches since");
        List<List<MetricData>> closed = intervals.add(other(1000, 1000, 1, true));
        assertEquals(2, closed.size(), "host-a's interval, then host-b's");
        assertEquals(100, transmitted(closed.getFirst()));
        assertEquals(1, intervals.incomplete());
        assertEquals(0, intervals.openBatches());
    }

    /** @return a batch of host-b */
    private static FlowBatch other(long sequence, long interval, long bytesSent, boolean last) {
        return new FlowBatch(sequence, "host-b", Batches.TIME.plusSeconds(10 * interval), Duration.ofSeconds(10),
                List.of(flow(40000, bytesSent)), List.of(), last);
    }

    @Test
    void aRetriedPartIsNotSummedTwice() {
        FlowBatch first = Batches.part(30, 1, List.of(flow(40000, 100)), List.of(), false);
        FlowBatch last = Batches.part(31, 1, List.of(flow(40001, 20)), List.of(), true);
        intervals.add(first);
        assertEquals(List.of(), intervals.add(first), "a retry adds nothing");
        List<List<MetricData>> closed = intervals.add(last);
        assertEquals(120, transmitted(closed.getFirst()));
        assertEquals(List.of(), intervals.add(last), "a retried last part neither adds nor reopens the interval");
        assertEquals(0, intervals.openBatches());
        assertEquals(0, intervals.incomplete());
    }

    @Test
    void aWholeIntervalInOneBatchIsClosedAtOnceAndDrainClosesAnOpenOne() {
        assertEquals(100, transmitted(intervals.add(Batches.batch(1, List.of(flow(40000, 100)), List.of()))
                .getFirst()));
        assertEquals(List.of(), intervals.add(Batches.batch(2, List.of(), List.of())), "nothing to export");
        assertEquals(List.of(), intervals.drain());
        intervals.add(Batches.part(3, 3, List.of(flow(40000, 42)), List.of(), false));
        intervals.add(other(3, 3, 8, false));
        List<List<MetricData>> drained = intervals.drain();
        assertEquals(2, drained.size());
        assertEquals(50, drained.stream().mapToLong(IntervalAccumulatorTest::transmitted).sum());
        assertEquals(2, intervals.incomplete());
        assertEquals(0, intervals.openBatches());
    }

    private static Flow flow(int localPort, long bytesSent) {
        return Batches.flow(localPort, "10.0.0.2", "db", bytesSent, 1, 250, Map.of());
    }

    private static long transmitted(List<MetricData> metrics) {
        return MetricMapperTest.find(metrics, "cartograph.network.io").getLongSumData().getPoints().stream()
                .filter(p -> "transmit".equals(p.getAttributes().get(AttributeKey.stringKey("network.io.direction"))))
                .mapToLong(LongPointData::getValue).sum();
    }

    private static PointData point(List<MetricData> metrics) {
        return MetricMapperTest.find(metrics, "cartograph.network.io").getData().getPoints().iterator().next();
    }

    /** Each series (resource, metric, point attributes) has exactly one point. */
    static void assertOnePointPerSeries(List<MetricData> metrics) {
        Set<List<Object>> series = new HashSet<>();
        int points = 0;
        for (MetricData m : metrics) {
            for (PointData p : m.getData().getPoints()) {
                points++;
                assertTrue(series.add(List.of(m.getResource(), m.getName(), p.getAttributes())),
                        "two points for " + m.getName() + " " + p.getAttributes());
            }
        }
        assertTrue(points > 0);
    }
}
