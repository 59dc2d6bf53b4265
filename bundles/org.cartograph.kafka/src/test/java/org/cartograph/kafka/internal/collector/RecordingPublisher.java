package org.cartograph.kafka.internal.collector;

import java.util.ArrayList;
import java.util.List;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.BatchPublisher;

/** A {@link BatchPublisher} that keeps what it is given. */
final class RecordingPublisher implements BatchPublisher {

    private final List<FlowBatch> batches = new ArrayList<>();

    @Override
    public synchronized void publish(FlowBatch batch) {
        batches.add(batch);
    }

    synchronized List<FlowBatch> batches() {
        return List.copyOf(batches);
    }
}
