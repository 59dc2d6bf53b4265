package org.cartograph.metadata.kubernetes.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.IpAddress;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.WorkloadEntity;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Turns the informers' caches into workload entities: one {@code pod} per running pod (its IPs,
 * owner tags from {@link Owners}, the services whose EndpointSlices select it, mapped labels and
 * annotations, its namespace's mapped labels), one {@code kube_container} per container id with
 * the pod as parent, one {@code service} per ClusterIP service, and one {@code kube_endpoint} per
 * EndpointSlice address that is not a known pod's. Pure and stateless; thread-safe.
 */
final class EntityBuilder {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final String source;
    private final String clusterName;
    private final Map<String, String> podLabelsAsTags;
    private final Map<String, String> podAnnotationsAsTags;
    private final Map<String, String> namespaceLabelsAsTags;

    /**
     * @param source                the provider's name
     * @param clusterName           the {@code kube_cluster_name} tag, or empty
     * @param podLabelsAsTags       pod label to tag
     * @param podAnnotationsAsTags  pod annotation to tag
     * @param namespaceLabelsAsTags namespace label to tag (on the pods, services and endpoints in it)
     */
    EntityBuilder(String source, String clusterName, Map<String, String> podLabelsAsTags,
                  Map<String, String> podAnnotationsAsTags, Map<String, String> namespaceLabelsAsTags) {
        this.source = source;
        this.clusterName = clusterName == null ? "" : clusterName.strip();
        this.podLabelsAsTags = Map.copyOf(podLabelsAsTags);
        this.podAnnotationsAsTags = Map.copyOf(podAnnotationsAsTags);
        this.namespaceLabelsAsTags = Map.copyOf(namespaceLabelsAsTags);
    }

    /**
     * @param pods            the pods (of this node)
     * @param serviceList     the services
     * @param slices          the EndpointSlices
     * @param owners          the workloads that exist
     * @param namespaceLabels labels by namespace name (only those that are mapped are needed)
     * @return the entities, pods first
     */
    List<WorkloadEntity> build(List<Pod> pods, List<Service> serviceList, List<EndpointSlice> slices, Owners owners,
                               Map<String, Map<String, String>> namespaceLabels) {
        Map<String, List<Tag>> nsTags = new HashMap<>();
        namespaceLabels.forEach((ns, labels) -> {
            List<Tag> tags = new ArrayList<>();
            namespaceLabelsAsTags.forEach((label, tag) -> add(tags, tag, labels.get(label)));
            if (!tags.isEmpty()) {
                nsTags.put(ns, List.copyOf(tags));
            }
        });
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
            addPod(out, pod, owners, services, nsTags.getOrDefault(pod.getMetadata().getNamespace(), List.of()));
        }
        for (Service s : serviceList) {
            addService(out, s, nsTags.getOrDefault(s.getMetadata().getNamespace(), List.of()));
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
            tags.addAll(nsTags.getOrDefault(ns, List.of()));
            out.add(new WorkloadEntity(new EntityId("kube_endpoint", ip.toString()), source, TagSet.of(tags), Set.of(ip),
                    Set.of(), Set.of(), Set.of(), Set.of(), null));
        });
        return out;
    }

    private void addPod(List<WorkloadEntity> out, Pod pod, Owners owners, Set<String> services, List<Tag> nsTags) {
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
        add(tags, "pod_phase", phase.toLowerCase(Locale.ROOT));
        services.forEach(s -> add(tags, "kube_service", s));
        owners.tag(ns, Trim.controller(pod.getMetadata()), tags);
        tags.addAll(nsTags);
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels != null) {
            podLabelsAsTags.forEach((label, tag) -> add(tags, tag, labels.get(label)));
        }
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations != null) {
            podAnnotationsAsTags.forEach((annotation, tag) -> add(tags, tag, annotations.get(annotation)));
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

    private void addService(List<WorkloadEntity> out, Service s, List<Tag> nsTags) {
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
        tags.addAll(nsTags);
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
