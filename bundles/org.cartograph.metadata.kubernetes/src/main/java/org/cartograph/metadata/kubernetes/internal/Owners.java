package org.cartograph.metadata.kubernetes.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.Tag;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;

/**
 * The workloads that exist, from the informers' caches, and the owner tags of a pod derived from
 * them: {@code kube_replica_set} and {@code kube_deployment} (the ReplicaSet's controlling
 * Deployment), {@code kube_daemon_set}, {@code kube_stateful_set}, {@code kube_job} and
 * {@code kube_cronjob} (the Job's controlling CronJob). An owner is named only when the object
 * exists, with the uid the reference names; a kind whose informer has not listed yet (API down at
 * start, or no RBAC permission) is taken from the owner reference as it stands. Nothing is
 * guessed from names. Immutable; thread-safe.
 */
final class Owners {

    /** An owner kind: the existing objects by {@code namespace/name}, or null while not listed. */
    record Kind(Map<String, Entry> objects) {

        /** @return a kind whose objects are not known */
        static Kind unknown() {
            return new Kind(null);
        }

        /**
         * @param objects the informer's cache
         * @return the kind with these objects
         */
        static Kind of(List<? extends HasMetadata> objects) {
            Map<String, Entry> map = new HashMap<>(objects.size() * 2);
            for (HasMetadata o : objects) {
                OwnerReference ref = Trim.controller(o.getMetadata());
                map.put(o.getMetadata().getNamespace() + "/" + o.getMetadata().getName(),
                        new Entry(o.getMetadata().getUid(), ref == null ? null : ref.getKind(),
                                ref == null ? null : ref.getName(), ref == null ? null : ref.getUid()));
            }
            return new Kind(map);
        }

        /** @return whether the referenced object exists, or true while the kind is not known */
        boolean exists(String ns, String name, String uid) {
            return entry(ns, name, uid) != null || objects == null;
        }

        Entry entry(String ns, String name, String uid) {
            Entry e = objects == null ? null : objects.get(ns + "/" + name);
            return e != null && (uid == null || e.uid() == null || uid.equals(e.uid())) ? e : null;
        }
    }

    /** One object: its uid and its controlling owner (all may be null). */
    record Entry(String uid, String ownerKind, String ownerName, String ownerUid) {
    }

    private final Kind replicaSets;
    private final Kind deployments;
    private final Kind daemonSets;
    private final Kind statefulSets;
    private final Kind jobs;
    private final Kind cronJobs;

    Owners(Kind replicaSets, Kind deployments, Kind daemonSets, Kind statefulSets, Kind jobs, Kind cronJobs) {
        this.replicaSets = replicaSets;
        this.deployments = deployments;
        this.daemonSets = daemonSets;
        this.statefulSets = statefulSets;
        this.jobs = jobs;
        this.cronJobs = cronJobs;
    }

    /** @return owners where no kind is known: owner references are taken as they stand */
    static Owners unknown() {
        return new Owners(Kind.unknown(), Kind.unknown(), Kind.unknown(), Kind.unknown(), Kind.unknown(), Kind.unknown());
    }

    /**
     * Adds the owner tags of a pod.
     *
     * @param ns    the pod's namespace
     * @param owner the pod's controlling owner reference, or null
     * @param tags  where to add them
     */
    void tag(String ns, OwnerReference owner, List<Tag> tags) {
        if (owner == null || owner.getKind() == null || owner.getName() == null) {
            return;
        }
        String name = owner.getName();
        switch (owner.getKind()) {
            case "ReplicaSet" -> {
                if (!replicaSets.exists(ns, name, owner.getUid())) {
                    return;
                }
                add(tags, "kube_replica_set", name);
                Entry rs = replicaSets.entry(ns, name, owner.getUid());
                if (rs != null && "Deployment".equals(rs.ownerKind())
                        && deployments.exists(ns, rs.ownerName(), rs.ownerUid())) {
                    add(tags, "kube_deployment", rs.ownerName());
                }
            }
            case "DaemonSet" -> addIf(daemonSets, ns, owner, "kube_daemon_set", tags);
            case "StatefulSet" -> addIf(statefulSets, ns, owner, "kube_stateful_set", tags);
            case "Job" -> {
                if (!jobs.exists(ns, name, owner.getUid())) {
                    return;
                }
                add(tags, "kube_job", name);
                Entry job = jobs.entry(ns, name, owner.getUid());
                if (job != null && "CronJob".equals(job.ownerKind()) && cronJobs.exists(ns, job.ownerName(), job.ownerUid())) {
                    add(tags, "kube_cronjob", job.ownerName());
                }
            }
            default -> add(tags, "kube_ownerref_kind", owner.getKind().toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static void addIf(Kind kind, String ns, OwnerReference owner, String tag, List<Tag> tags) {
        if (kind.exists(ns, owner.getName(), owner.getUid())) {
            add(tags, tag, owner.getName());
        }
    }

    private static void add(List<Tag> tags, String key, String value) {
        if (value != null && !value.isBlank()) {
            tags.add(new Tag(key, value));
        }
    }
}
