package org.cartograph.core.internal;

import org.cartograph.metadata.WorkloadMetadataProvider;
import org.cartograph.metadata.WorkloadStore;

/** Gives tests the core's real workload store, with providers bound as the framework would bind them. */
public final class StoreHarness {

    private final WorkloadStoreImpl store = new WorkloadStoreImpl();

    /** @return the store */
    public WorkloadStore store() {
        return store;
    }

    /** @param provider a provider to bind (the store starts it) */
    public void bind(WorkloadMetadataProvider provider) {
        store.addProvider(provider);
    }

    /** @param provider a provider to unbind (the store stops it and drops its entities) */
    public void unbind(WorkloadMetadataProvider provider) {
        store.removeProvider(provider);
    }
}
