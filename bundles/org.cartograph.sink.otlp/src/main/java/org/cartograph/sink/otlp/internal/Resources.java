package org.cartograph.sink.otlp.internal;

import java.util.HashMap;
import java.util.Map;

import org.cartograph.enrich.TagSet;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;

/**
 * Resources following the OpenTelemetry semantic conventions: every resource has
 * {@code host.name} (the batch's host) and {@code service.name=cartograph-agent}; a flow's resource
 * adds what the local end's tags say about the workload: {@code k8s.pod.name} ({@code pod_name}),
 * {@code k8s.namespace.name} ({@code kube_namespace}), {@code container.name}
 * ({@code container_name}), {@code cloud.region} ({@code region}) and
 * {@code cloud.availability_zone} ({@code availability_zone}), each only when present. Resources
 * are cached per distinct set of those values. Not thread-safe (the sink's thread).
 */
final class Resources {

    /** The {@code service.name} of every resource. */
    static final String SERVICE_NAME = "cartograph-agent";

    /** Tag name → resource attribute. */
    private static final String[][] FROM_TAGS = {
        {"pod_name", "k8s.pod.name"},
        {"kube_namespace", "k8s.namespace.name"},
        {"container_name", "container.name"},
        {"region", "cloud.region"},
        {"availability_zone", "cloud.availability_zone"},
    };

    /** The distinct values that make a resource. */
    private record Key(String host, String pod, String namespace, String container, String region, String zone) {
    }

    private final Map<Key, Resource> cache = new HashMap<>();

    /**
     * @param host the batch's host name
     * @param local the local end's tags, or {@link TagSet#EMPTY} for the host itself
     * @return the resource
     */
    Resource of(String host, TagSet local) {
        Key key = new Key(host, local.get(FROM_TAGS[0][0]), local.get(FROM_TAGS[1][0]), local.get(FROM_TAGS[2][0]),
                local.get(FROM_TAGS[3][0]), local.get(FROM_TAGS[4][0]));
        Resource r = cache.get(key);
        if (r == null) {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            AttributesBuilder b = Attributes.builder().put("host.name", host).put("service.name", SERVICE_NAME);
            for (String[] m : FROM_TAGS) {
                String v = local.get(m[0]);
                if (v != null && !v.isEmpty()) {
                    b.put(AttributeKey.stringKey(m[1]), v);
                }
            }
            r = Resource.create(b.build());
            cache.put(key, r);
        }
        return r;
    }
}
