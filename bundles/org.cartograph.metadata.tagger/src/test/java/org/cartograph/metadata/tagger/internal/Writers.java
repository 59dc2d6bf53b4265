package org.cartograph.metadata.tagger.internal;

import org.cartograph.core.internal.StoreHarness;
import org.cartograph.metadata.WorkloadMetadataProvider;
import org.cartograph.metadata.WorkloadWriter;

/** Writers into the core's real store, one per provider name. */
public final class Writers {

    private Writers() {
    }

    /**
     * @param harness the store
     * @param name    a provider name
     * @return a writer bound to that name
     */
    public static WorkloadWriter bind(StoreHarness harness, String name) {
        WorkloadWriter[] holder = new WorkloadWriter[1];
        harness.bind(new WorkloadMetadataProvider() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(WorkloadWriter writer) {
                holder[0] = writer;
            }

            @Override
            public void stop() {
                holder[0] = null;
            }
        });
        return holder[0];
    }
}
