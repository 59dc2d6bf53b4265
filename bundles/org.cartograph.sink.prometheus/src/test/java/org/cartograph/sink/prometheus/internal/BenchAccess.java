package org.cartograph.sink.prometheus.internal;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.SinkResult;

/** Lets the benchmark package drive the sink's package-private entry points. */
public final class BenchAccess implements AutoCloseable {

    private final PrometheusSink sink = new PrometheusSink(TestConfig.defaults());
    private final Exposition exposition = new Exposition();

    /**
     * @param batch a batch
     * @return the outcome of adding it on the calling thread
     */
    public SinkResult record(FlowBatch batch) {
        return sink.record(batch);
    }

    /** @return the size of the rendered text exposition */
    public int scrapeBytes() {
        return exposition.render(null, sink.scrape()).body().length;
    }

    @Override
    public void close() {
        sink.deactivate();
    }
}
