package org.cartograph.metadata.kubernetes.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.cartograph.metadata.WorkloadWriter;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The informers (pods of this node, services, EndpointSlices, ReplicaSets) and the coalesced
 * rebuild that writes their caches into the store. Informer callbacks only mark the view dirty;
 * the rebuild runs on the provider's executor at most once per delay. Informers keep their
 * caches and re-list and re-watch by themselves when the API server comes back, so the last good
 * data stays in the store during an outage.
 */
final class ClusterWatch {

    private final KubernetesClient client;
    private final EntityBuilder builder;
    private final WorkloadWriter writer;
    private final ScheduledExecutorService executor;
    private final KubeStatus status;
    private final long delayMillis;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<ReplicaSet> replicaSets;

    ClusterWatch(KubernetesClient client, EntityBuilder builder, WorkloadWriter writer, ScheduledExecutorService executor,
                 KubeStatus status, long delayMillis) {
        this.client = client;
        this.builder = builder;
        this.writer = writer;
        this.executor = executor;
        this.status = status;
        this.delayMillis = delayMillis;
    }

    /**
     * Creates and starts the informers; returns at once.
     *
     * @param nodeName only pods on this node, or every pod when empty
     */
    void start(String nodeName) {
        var podOps = client.pods().inAnyNamespace();
        pods = nodeName.isEmpty() ? podOps.runnableInformer(0)
                : podOps.withField("spec.nodeName", nodeName).runnableInformer(0);
        services = client.services().inAnyNamespace().runnableInformer(0);
        slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
        replicaSets = client.apps().replicaSets().inAnyNamespace().runnableInformer(0);
        for (SharedIndexInformer<? extends HasMetadata> i : List.of(pods, services, slices, replicaSets)) {
            register(i);
        }
        executor.scheduleWithFixedDelay(this::checkHealth, delayMillis, Math.max(delayMillis, 1000),
                TimeUnit.MILLISECONDS);
    }

    private <T extends HasMetadata> void register(SharedIndexInformer<T> informer) {
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                markDirty();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                markDirty();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                markDirty();
            }
        });
        informer.exceptionHandler((started, t) -> {
            status.error(informer.getApiTypeClass().getSimpleName(), t);
            return true;
        });
        informers.add(informer);
        informer.start();
    }

    private void markDirty() {
        if (dirty.compareAndSet(false, true)) {
            executor.schedule(this::rebuild, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild() {
        dirty.set(false);
        try {
            var entities = builder.build(pods.getStore().list(), services.getStore().list(), slices.getStore().list(),
                    replicaSets.getStore().list());
            writer.replaceAll(entities);
            status.written(entities.size(), pods.getStore().list().size(), services.getStore().list().size());
        } catch (RuntimeException e) {
            status.error("rebuild", e);
        }
    }

    private void checkHealth() {
        List<String> notWatching = new ArrayList<>();
        for (SharedIndexInformer<? extends HasMetadata> i : informers) {
            if (!i.isWatching()) {
                notWatching.add(i.getApiTypeClass().getSimpleName());
            }
        }
        status.watching(notWatching);
    }

    /** Stops every informer. */
    void stop() {
        informers.forEach(SharedIndexInformer::stop);
    }
}
