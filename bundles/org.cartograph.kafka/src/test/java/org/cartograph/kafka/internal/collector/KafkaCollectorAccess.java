package org.cartograph.kafka.internal.collector;

import java.util.List;
import java.util.Map;

import org.cartograph.flow.FlowBatch;
import org.cartograph.status.ComponentStatus;

/** A real {@link KafkaCollector} publishing into a recorder, for tests outside its package. */
public final class KafkaCollectorAccess implements AutoCloseable {

    private final KafkaCollector collector;
    private final RecordingPublisher publisher;
    private boolean closed;

    private KafkaCollectorAccess(KafkaCollector collector, RecordingPublisher publisher) {
        this.collector = collector;
        this.publisher = publisher;
    }

    /** @return a collector in this group */
    public static KafkaCollectorAccess open(String servers, String topic, String group) {
        RecordingPublisher publisher = new RecordingPublisher();
        return new KafkaCollectorAccess(new KafkaCollector(TestCollectorConfig.of(servers, topic, group).get(), publisher),
                publisher);
    }

    /**
     * @param attributes further attributes of the configuration (method names, e.g. {@code security_protocol})
     * @return a collector in this group with these attributes set too
     */
    public static KafkaCollectorAccess open(String servers, String topic, String group, Map<String, Object> attributes) {
        TestCollectorConfig c = TestCollectorConfig.of(servers, topic, group);
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        RecordingPublisher publisher = new RecordingPublisher();
        return new KafkaCollectorAccess(new KafkaCollector(c.get(), publisher), publisher);
    }

    /** @return the batches published so far, in order */
    public List<FlowBatch> batches() {
        return publisher.batches();
    }

    /** @return partitions assigned now */
    public long partitions() {
        return status().counters().get("partitions");
    }

    /** @return the collector's status */
    public ComponentStatus status() {
        return collector.status().getFirst();
    }

    /** Deactivates the collector (it leaves the group); a second call does nothing. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            collector.deactivate();
        }
    }
}
