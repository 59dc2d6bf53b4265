package org.cartograph.metadata.kubernetes.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.cartograph.metadata.WorkloadWriter;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;

/**
 * The informers and the coalesced rebuild that writes their caches into the store. Pods of this
 * node come from an informer with a field selector ({@code spec.nodeName}); services,
 * EndpointSlices, ReplicaSets, Deployments, DaemonSets, StatefulSets, Jobs, CronJobs and
 * Namespaces from the client's shared informer factory (which cannot select by field). No informer
 * resyncs; each keeps only trimmed copies ({@link Trim}, {@link TrimmingStore}). Informer callbacks
 * only mark the view dirty; the rebuild runs on the provider's executor at most once per delay.
 * Informers keep their caches and re-list and re-watch by themselves when the API server comes
 * back, so the last good data stays in the store during an outage.
 */
final class ClusterWatch {

    /** Every resource type watched, for the RBAC rules the agent needs (README, ClusterRole). */
    static final List<Class<? extends HasMetadata>> WATCHED = List.of(Pod.class, Service.class, EndpointSlice.class,
            ReplicaSet.class, Deployment.class, DaemonSet.class, StatefulSet.class, Job.class, CronJob.class,
            Namespace.class);

    private final KubernetesClient client;
    private final EntityBuilder builder;
    private final Trim trim;
    private final WorkloadWriter writer;
    private final ScheduledExecutorService executor;
    private final KubeStatus status;
    private final long delayMillis;
    private final AtomicBoolean dirty = new AtomicBoolean();
    /** Touched only on the executor. */
    private int synced;
    private final List<SharedIndexInformer<? extends HasMetadata>> informers = new ArrayList<>();
    private SharedInformerFactory factory;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<ReplicaSet> replicaSets;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<DaemonSet> daemonSets;
    private SharedIndexInformer<StatefulSet> statefulSets;
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<CronJob> cronJobs;
    private SharedIndexInformer<Namespace> namespaces;

    ClusterWatch(KubernetesClient client, EntityBuilder builder, Trim trim, WorkloadWriter writer,
                 ScheduledExecutorService executor, KubeStatus status, long delayMillis) {
        this.client = client;
        this.builder = builder;
        this.trim = trim;
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
        pods = register(nodeName.isEmpty() ? podOps.runnableInformer(0)
                : podOps.withField("spec.nodeName", nodeName).runnableInformer(0), trim::pod);
        factory = client.informers();
        services = shared(Service.class, trim::service);
        slices = shared(EndpointSlice.class, trim::endpointSlice);
        replicaSets = shared(ReplicaSet.class, o -> Trim.workload(o, ReplicaSet::new));
        deployments = shared(Deployment.class, o -> Trim.workload(o, Deployment::new));
        daemonSets = shared(DaemonSet.class, o -> Trim.workload(o, DaemonSet::new));
        statefulSets = shared(StatefulSet.class, o -> Trim.workload(o, StatefulSet::new));
        jobs = shared(Job.class, o -> Trim.workload(o, Job::new));
        cronJobs = shared(CronJob.class, o -> Trim.workload(o, CronJob::new));
        namespaces = shared(Namespace.class, trim::namespace);
        pods.start();
        factory.startAllRegisteredInformers();
        executor.scheduleWithFixedDelay(this::checkHealth, delayMillis, Math.max(delayMillis, 1000),
                TimeUnit.MILLISECONDS);
    }

    private <T extends HasMetadata> SharedIndexInformer<T> shared(Class<T> type, UnaryOperator<T> trimmer) {
        return register(factory.sharedIndexInformerFor(type, 0), trimmer);
    }

    private <T extends HasMetadata> SharedIndexInformer<T> register(SharedIndexInformer<T> informer,
                                                                   UnaryOperator<T> trimmer) {
        informer.itemStore(new TrimmingStore<>(trimmer));
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
        return informer;
    }

    private void markDirty() {
        if (dirty.compareAndSet(false, true)) {
            executor.schedule(this::rebuild, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void rebuild() {
        dirty.set(false);
        try {
            List<Pod> podList = pods.getStore().list();
            List<Service> serviceList = services.getStore().list();
            Owners owners = new Owners(kind(replicaSets), kind(deployments), kind(daemonSets), kind(statefulSets),
                    kind(jobs), kind(cronJobs));
            Map<String, Map<String, String>> nsLabels = new HashMap<>();
            for (Namespace ns : namespaces.getStore().list()) {
                if (ns.getMetadata().getLabels() != null) {
                    nsLabels.put(ns.getMetadata().getName(), ns.getMetadata().getLabels());
                }
            }
            var entities = builder.build(podList, serviceList, slices.getStore().list(), owners, nsLabels);
            writer.replaceAll(entities);
            status.written(entities.size(), podList.size(), serviceList.size());
        } catch (RuntimeException e) {
            status.error("rebuild", e);
        }
    }

    private static Owners.Kind kind(SharedIndexInformer<? extends HasMetadata> informer) {
        return informer.hasSynced() ? Owners.Kind.of(informer.getStore().list()) : Owners.Kind.unknown();
    }

    private void checkHealth() {
        List<String> notWatching = new ArrayList<>();
        int nowSynced = 0;
        for (SharedIndexInformer<? extends HasMetadata> i : informers) {
            if (!i.isWatching()) {
                notWatching.add(i.getApiTypeClass().getSimpleName());
            }
            nowSynced += i.hasSynced() ? 1 : 0;
        }
        if (nowSynced != synced) {
            synced = nowSynced;
            markDirty();
        }
        status.watching(notWatching);
    }

    /** Stops every informer. */
    void stop() {
        if (factory != null) {
            factory.stopAllRegisteredInformers();
        }
        if (pods != null) {
            pods.stop();
        }
    }
}
