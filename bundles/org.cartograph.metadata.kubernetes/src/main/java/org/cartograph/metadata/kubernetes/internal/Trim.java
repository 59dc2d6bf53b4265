package org.cartograph.metadata.kubernetes.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

/**
 * Copies of API objects that keep only what {@link EntityBuilder} reads, so the informers' caches
 * hold a few hundred bytes per object instead of whole specs, managed fields and pod templates:
 * identity and resource version, the controlling owner reference, the mapped labels and
 * annotations, pod addresses and container ids, service ClusterIPs, EndpointSlice addresses.
 * Stateless apart from the mappings it was given; thread-safe.
 */
final class Trim {

    private final Set<String> podLabels;
    private final Set<String> podAnnotations;
    private final Set<String> namespaceLabels;

    /**
     * @param podLabels       pod labels that are mapped to tags
     * @param podAnnotations  pod annotations that are mapped to tags
     * @param namespaceLabels namespace labels that are mapped to tags
     */
    Trim(Set<String> podLabels, Set<String> podAnnotations, Set<String> namespaceLabels) {
        this.podLabels = Set.copyOf(podLabels);
        this.podAnnotations = Set.copyOf(podAnnotations);
        this.namespaceLabels = Set.copyOf(namespaceLabels);
    }

    Pod pod(Pod p) {
        Pod t = new Pod();
        ObjectMeta m = meta(p.getMetadata(), true);
        m.setLabels(only(p.getMetadata().getLabels(), podLabels));
        m.setAnnotations(only(p.getMetadata().getAnnotations(), podAnnotations));
        t.setMetadata(m);
        if (p.getSpec() != null) {
            PodSpec spec = new PodSpec();
            spec.setHostNetwork(p.getSpec().getHostNetwork());
            spec.setNodeName(p.getSpec().getNodeName());
            t.setSpec(spec);
        }
        PodStatus s = p.getStatus();
        if (s != null) {
            PodStatus status = new PodStatus();
            status.setPhase(s.getPhase());
            status.setPodIP(s.getPodIP());
            if (s.getPodIPs() != null) {
                List<PodIP> ips = new ArrayList<>(s.getPodIPs().size());
                s.getPodIPs().forEach(ip -> ips.add(new PodIP(ip.getIp())));
                status.setPodIPs(ips);
            }
            status.setContainerStatuses(containers(s.getContainerStatuses()));
            status.setInitContainerStatuses(containers(s.getInitContainerStatuses()));
            t.setStatus(status);
        }
        return t;
    }

    Service service(Service s) {
        Service t = new Service();
        t.setMetadata(meta(s.getMetadata(), false));
        if (s.getSpec() != null) {
            ServiceSpec spec = new ServiceSpec();
            spec.setClusterIP(s.getSpec().getClusterIP());
            spec.setClusterIPs(s.getSpec().getClusterIPs());
            t.setSpec(spec);
        }
        return t;
    }

    EndpointSlice endpointSlice(EndpointSlice s) {
        EndpointSlice t = new EndpointSlice();
        ObjectMeta m = meta(s.getMetadata(), false);
        m.setLabels(only(s.getMetadata().getLabels(), Set.of(EntityBuilder.SERVICE_NAME_LABEL)));
        t.setMetadata(m);
        t.setAddressType(s.getAddressType());
        if (s.getEndpoints() != null) {
            List<Endpoint> eps = new ArrayList<>(s.getEndpoints().size());
            for (Endpoint e : s.getEndpoints()) {
                Endpoint c = new Endpoint();
                c.setAddresses(e.getAddresses());
                ObjectReference r = e.getTargetRef();
                if (r != null) {
                    ObjectReference ref = new ObjectReference();
                    ref.setKind(r.getKind());
                    ref.setName(r.getName());
                    ref.setNamespace(r.getNamespace());
                    ref.setUid(r.getUid());
                    c.setTargetRef(ref);
                }
                eps.add(c);
            }
            t.setEndpoints(eps);
        }
        return t;
    }

    /** @return a namespace's identity and mapped labels */
    Namespace namespace(Namespace ns) {
        Namespace t = new Namespace();
        ObjectMeta m = meta(ns.getMetadata(), false);
        m.setLabels(only(ns.getMetadata().getLabels(), namespaceLabels));
        t.setMetadata(m);
        return t;
    }

    /**
     * @param o     a workload (ReplicaSet, Deployment, Job, ...)
     * @param empty makes an empty object of its type
     * @return its identity and controlling owner reference only
     */
    static <T extends HasMetadata> T workload(T o, Supplier<T> empty) {
        T t = empty.get();
        t.setMetadata(meta(o.getMetadata(), true));
        return t;
    }

    private static ObjectMeta meta(ObjectMeta m, boolean owner) {
        ObjectMeta t = new ObjectMeta();
        t.setName(m.getName());
        t.setNamespace(m.getNamespace());
        t.setUid(m.getUid());
        t.setResourceVersion(m.getResourceVersion());
        OwnerReference ref = owner ? controller(m) : null;
        if (ref != null) {
            OwnerReference r = new OwnerReference();
            r.setApiVersion(ref.getApiVersion());
            r.setKind(ref.getKind());
            r.setName(ref.getName());
            r.setUid(ref.getUid());
            r.setController(ref.getController());
            t.setOwnerReferences(List.of(r));
        }
        return t;
    }

    /** @return the controlling owner reference, else the first one, or null */
    static OwnerReference controller(ObjectMeta m) {
        List<OwnerReference> refs = m == null ? null : m.getOwnerReferences();
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

    private static List<ContainerStatus> containers(List<ContainerStatus> statuses) {
        if (statuses == null) {
            return null;
        }
        List<ContainerStatus> out = new ArrayList<>(statuses.size());
        for (ContainerStatus s : statuses) {
            ContainerStatus c = new ContainerStatus();
            c.setName(s.getName());
            c.setImage(s.getImage());
            c.setContainerID(s.getContainerID());
            out.add(c);
        }
        return out;
    }

    private static Map<String, String> only(Map<String, String> all, Set<String> keys) {
        if (all == null || keys.isEmpty()) {
            return null;
        }
        Map<String, String> kept = new HashMap<>();
        for (String k : keys) {
            String v = all.get(k);
            if (v != null) {
                kept.put(k, v);
            }
        }
        return kept.isEmpty() ? null : kept;
    }
}
