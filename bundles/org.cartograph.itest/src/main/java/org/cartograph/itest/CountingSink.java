package org.cartograph.itest;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.FlowSink;
import org.cartograph.sink.SinkResult;

/** A sink that remembers the sequence number of every batch it receives. */
public final class CountingSink implements FlowSink {

    private final String name;
    private final List<Long> sequences = new CopyOnWriteArrayList<>();
    private final List<Integer> flowCounts = new CopyOnWriteArrayList<>();

    public CountingSink(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<SinkResult> deliver(FlowBatch batch) {
        sequences.add(batch.sequence());
        flowCounts.add(batch.flows().size());
        return CompletableFuture.completedFuture(SinkResult.success());
    }

    public List<Long> sequences() {
        return List.copyOf(sequences);
    }

    public int received() {
        return sequences.size();
    }

    public long lastSequence() {
        List<Long> s = sequences();
        return s.isEmpty() ? -1 : s.getLast();
    }
}
