package org.cartograph.metadata.kubernetes.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Turns the informers' caches into workload entities: one {@code pod} per running pod (its IPs,
 * owner tags, the services whose EndpointSlices select it, mapped labels), one
 * {@code kube_container} per container id with the pod as parent, one {@code service} per
 * ClusterIP service, and one {@code kube_endpoint} per EndpointSlice address that is not a
 * known pod's. Pure and stateless; thread-safe.
 */
final class EntityBuilder {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final String source;
    private final String clusterName;
    private final Map<String, String> podLabelsAsTags;

    EntityBuilder(String source, String clusterName, Map<String, String> podLabelsAsTags) {
        this.source = source;
        this.clusterName = clusterName == null ? "" : clusterName.strip();
        this.podLabelsAsTags = Map.copyOf(podLabelsAsTags);
    }

    List<WorkloadEntity> build(List<Pod> pods, List<Service> serviceList, List<EndpointSlice> slices,
                               List<ReplicaSet> replicaSets) {
        Map<String, String> deploymentOfRs = new HashMap<>();
        for (ReplicaSet rs : replicaSets) {
            OwnerReference owner = controller(rs);
            if (owner != null && "Deployment".equals(owner.getKind())) {
                deploymentOfRs.put(rs.getMetadata().getNamespace() + "/" + rs.getMetadata().getName(), owner.getName());
            }
        }
        Map<String, Set<String>> servicesOfPod = new HashMap<>();
        Map<IpAddress, Set<String>> servicesOfAddress = new HashMap<>();
        for (EndpointSlice slice : slices) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String service = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (service == null || slice.getEndpoints() == null) {
                continue;
            }
            String key = slice.getMetadata().getNamespace() + "/" + service;
            for (Endpoint ep : slice.getEndpoints()) {
                var ref = ep.getTargetRef();
                if (ref != null && "Pod".equals(ref.getKind()) && (ref.getUid() != null || ref.getName() != null)) {
                    if (ref.getUid() != null) {
                        servicesOfPod.computeIfAbsent(ref.getUid(), k -> new HashSet<>()).add(service);
                    }
                    if (ref.getName() != null) {
                        String ns = ref.getNamespace() != null ? ref.getNamespace() : slice.getMetadata().getNamespace();
                        servicesOfPod.computeIfAbsent(ns + "/" + ref.getName(), k -> new HashSet<>()).add(service);
                    }
                } else if (ep.getAddresses() != null) {
                    for (String a : ep.getAddresses()) {
                        IpAddress ip = parse(a);
                        if (ip != null) {
                            servicesOfAddress.computeIfAbsent(ip, k -> new HashSet<>()).add(key);
                        }
                    }
                }
            }
        }
        List<WorkloadEntity> out = new ArrayList<>();
        for (Pod pod : pods) {
            Set<String> services = new HashSet<>(servicesOfPod.getOrDefault(pod.getMetadata().getUid(), Set.of()));
            services.addAll(servicesOfPod.getOrDefault(
                    pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), Set.of()));
            addPod(out, pod, deploymentOfRs, services);
        }
        for (Service s : serviceList) {
            addService(out, s);
        }
        servicesOfAddress.forEach((ip, keys) -> {
            List<Tag> tags = new ArrayList<>();
            String ns = null;
            for (String k : keys) {
                ns = k.substring(0, k.indexOf('/'));
                tags.add(new Tag("kube_service", k.substring(k.indexOf('/') + 1)));
            }
            add(tags, "kube_namespace", ns);
            add(tags, "kube_cluster_name", clusterName);
            out.add(new WorkloadEntity(new EntityId("kube_endpoint", ip.toString()), source, TagSet.of(tags), Set.of(ip),
                    Set.of(), Set.of(), Set.of(), Set.of(), null));
        });
        return out;
    }

    private void addPod(List<WorkloadEntity> out, Pod pod, Map<String, String> deploymentOfRs,
                        Set<String> services) {
        String uid = pod.getMetadata().getUid();
        String phase = pod.getStatus() == null ? "" : String.valueOf(pod.getStatus().getPhase());
        if (uid == null || phase.equals("Succeeded") || phase.equals("Failed")) {
            return;
        }
        String ns = pod.getMetadata().getNamespace();
        List<Tag> tags = new ArrayList<>();
        add(tags, "pod_name", pod.getMetadata().getName());
        add(tags, "kube_namespace", ns);
        add(tags, "kube_cluster_name", clusterName);
        add(tags, "pod_phase", phase.toLowerCase(java.util.Locale.ROOT));
        services.forEach(s -> add(tags, "kube_service", s));
        OwnerReference owner = controller(pod);
        if (owner != null) {
            switch (owner.getKind()) {
                case "ReplicaSet" -> {
                    add(tags, "kube_replica_set", owner.getName());
                    String deployment = deploymentOfRs.get(ns + "/" + owner.getName());
                    add(tags, "kube_deployment", deployment != null ? deployment : trimSuffix(owner.getName()));
                }
                case "DaemonSet" -> add(tags, "kube_daemon_set", owner.getName());
                case "StatefulSet" -> add(tags, "kube_stateful_set", owner.getName());
                case "Job" -> {
                    add(tags, "kube_job", owner.getName());
                    String cron = cronJobOf(owner.getName());
                    add(tags, "kube_cronjob", cron);
                }
                default -> add(tags, "kube_ownerref_kind", owner.getKind().toLowerCase(java.util.Locale.ROOT));
            }
        }
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null) {
            podLabelsAsTags.forEach((label, tag) -> add(tags, tag, labels.get(label)));
        }
        Set<IpAddress> addresses = new HashSet<>();
        boolean hostNetwork = pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        if (!hostNetwork && pod.getStatus() != null) {
            if (pod.getStatus().getPodIPs() != null) {
                for (PodIP ip : pod.getStatus().getPodIPs()) {
                    addIfParsed(addresses, ip.getIp());
                }
            }
            addIfParsed(addresses, pod.getStatus().getPodIP());
        }
        EntityId podId = new EntityId("pod", uid);
        out.add(new WorkloadEntity(podId, source, TagSet.of(tags), addresses, Set.of(), Set.of(), Set.of(), Set.of(),
                null));
        if (pod.getStatus() != null) {
            addContainers(out, podId, pod.getStatus().getContainerStatuses());
            addContainers(out, podId, pod.getStatus().getInitContainerStatuses());
        }
    }

    private void addContainers(List<WorkloadEntity> out, EntityId pod, List<ContainerStatus> statuses) {
        if (statuses == null) {
            return;
        }
        for (ContainerStatus cs : statuses) {
            String id = containerId(cs.getContainerID());
            if (id == null) {
                continue;
            }
            List<Tag> tags = new ArrayList<>();
            add(tags, "kube_container_name", cs.getName());
            add(tags, "container_id", id);
            add(tags, "image_name", cs.getImage());
            out.add(new WorkloadEntity(new EntityId("kube_container", id), source, TagSet.of(tags), Set.of(), Set.of(),
                    Set.of(), Set.of(id), Set.of(), pod));
        }
    }

    private void addService(List<WorkloadEntity> out, Service s) {
        if (s.getSpec() == null) {
            return;
        }
        Set<IpAddress> addresses = new HashSet<>();
        if (s.getSpec().getClusterIPs() != null) {
            s.getSpec().getClusterIPs().forEach(ip -> addIfParsed(addresses, ip));
        }
        addIfParsed(addresses, s.getSpec().getClusterIP());
        if (addresses.isEmpty()) {
            return;
        }
        List<Tag> tags = new ArrayList<>();
        add(tags, "kube_service", s.getMetadata().getName());
        add(tags, "kube_namespace", s.getMetadata().getNamespace());
        add(tags, "kube_cluster_name", clusterName);
        out.add(new WorkloadEntity(new EntityId("service", s.getMetadata().getNamespace() + "/" + s.getMetadata().getName()),
                source, TagSet.of(tags), addresses, Set.of(), Set.of(), Set.of(), Set.of(), null));
    }

    /** @return the 64-hex id of {@code containerd://<id>}, {@code cri-o://<id>}, {@code docker://<id>}, or null */
    static String containerId(String runtimeId) {
        if (runtimeId == null) {
            return null;
        }
        int sep = runtimeId.indexOf("://");
        String id = sep >= 0 ? runtimeId.substring(sep + 3) : runtimeId;
        return id.matches("[0-9a-f]{64}") ? id : null;
    }

    /** @return the deployment name of a ReplicaSet named {@code <deployment>-<pod-template-hash>} */
    static String trimSuffix(String name) {
        int dash = name.lastIndexOf('-');
        return dash > 0 ? name.substring(0, dash) : name;
    }

    /** @return the CronJob of a Job named {@code <cronjob>-<scheduled minutes>}, or null */
    static String cronJobOf(String job) {
        int dash = job.lastIndexOf('-');
        return dash > 0 && job.substring(dash + 1).matches("\\d{8,}") ? job.substring(0, dash) : null;
    }

    private static OwnerReference controller(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null || refs.isEmpty()) {
            return null;
        }
        for (OwnerReference r : refs) {
            if (Boolean.TRUE.equals(r.getController())) {
                return r;
            }
        }
        return refs.get(0);
    }

    private static IpAddress parse(String text) {
        if (text == null || text.isBlank() || text.equals("None")) {
            return null;
        }
        try {
            return IpAddress.parse(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void addIfParsed(Set<IpAddress> set, String text) {
        IpAddress ip = parse(text);
        if (ip != null) {
            set.add(ip);
        }
    }

    private static void add(List<Tag> tags, String key, String value) {
        if (value != null && !value.isBlank()) {
            tags.add(new Tag(key, value));
        }
    }
}
