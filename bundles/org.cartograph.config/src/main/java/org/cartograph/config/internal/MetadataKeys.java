package org.cartograph.config.internal;

import java.util.List;

import org.cartograph.config.internal.ValueType.Bool;
import org.cartograph.config.internal.ValueType.FsPath;
import org.cartograph.config.internal.ValueType.StringList;
import org.cartograph.config.internal.ValueType.Text;

/**
 * The keys of the metadata providers ({@code cartograph.metadata.*}), part of {@link KeyCatalog}.
 * Each provider exists only while its PID is configured: its {@code enabled} key switches it on
 * (or off), and setting any other of its keys configures it too.
 */
final class MetadataKeys {

    private MetadataKeys() {
    }

    /** @param k receives the keys, in table order */
    static void addTo(List<ConfigKey> k) {
        Bool bool = new Bool();
        String docker = "org.cartograph.metadata.docker";
        k.add(ConfigKey.of("cartograph.metadata.docker.enabled", bool, docker, KeyCatalog.ENABLED,
                "Tag flows with Docker (or podman) containers."));
        k.add(ConfigKey.of("cartograph.metadata.docker.host", new Text(true), docker, "host",
                "Engine API address, unix://PATH or tcp://HOST:PORT; DOCKER_HOST, when set, wins."));
        k.add(ConfigKey.of("cartograph.metadata.docker.labels_as_tags", new StringList(), docker, "labels.as.tags",
                "Container labels copied to tags, as label=tag."));
        String kube = "org.cartograph.metadata.kubernetes";
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.enabled", bool, kube, KeyCatalog.ENABLED,
                "Tag flows with Kubernetes pods, services and their owners."));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.api_server_url", new Text(true), kube, "api.server.url",
                "API server URL; empty: in-cluster service account, else the kubeconfig."));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.kubeconfig", new FsPath(false), kube, "kubeconfig",
                "Path of the kubeconfig file."));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.node_name", new Text(true), kube, "node.name",
                "Only pods of this node (set from the downward API in a DaemonSet)."));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.cluster_name", new Text(true), kube, "cluster.name",
                "Value of the kube_cluster_name tag.").withAlias("DD_CLUSTER_NAME"));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.pod_labels_as_tags", new StringList(), kube,
                "pod.labels.as.tags", "Pod labels copied to tags, as label=tag."));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.pod_annotations_as_tags", new StringList(), kube,
                "pod.annotations.as.tags", "Pod annotations copied to tags, as annotation=tag."));
        k.add(ConfigKey.of("cartograph.metadata.kubernetes.namespace_labels_as_tags", new StringList(), kube,
                "namespace.labels.as.tags", "Namespace labels copied to the tags of its pods, services and endpoints,"
                        + " as label=tag."));
        String ecs = "org.cartograph.metadata.ecs";
        k.add(ConfigKey.of("cartograph.metadata.ecs.enabled", bool, ecs, KeyCatalog.ENABLED,
                "Tag flows with ECS tasks and containers."));
        k.add(ConfigKey.of("cartograph.metadata.ecs.metadata_uri", new Text(true), ecs, "metadata.uri",
                "Task metadata endpoint v4; empty: ECS_CONTAINER_METADATA_URI_V4."));
        k.add(ConfigKey.of("cartograph.metadata.ecs.introspection_uri", new Text(true), ecs, "introspection.uri",
                "Base URL of the ECS agent introspection API, which lists every task of an EC2 host."));
        String cloud = "org.cartograph.metadata.cloud";
        k.add(ConfigKey.of("cartograph.metadata.cloud.enabled", bool, cloud, KeyCatalog.ENABLED,
                "Tag flows with the host's cloud region and zone and remote cloud ranges."));
        k.add(ConfigKey.of("cartograph.metadata.cloud.host_providers", new StringList(), cloud, "host.providers",
                "Metadata services asked for the host's provider, region and zone, e.g. [aws, gcp, azure]."));
        k.add(ConfigKey.of("cartograph.metadata.cloud.ip_ranges.aws", new FsPath(false), cloud, "ip.ranges.aws",
                "Path of AWS ip-ranges.json."));
        k.add(ConfigKey.of("cartograph.metadata.cloud.ip_ranges.gcp", new FsPath(false), cloud, "ip.ranges.gcp",
                "Path of GCP cloud.json."));
        k.add(ConfigKey.of("cartograph.metadata.cloud.ip_ranges.azure", new FsPath(false), cloud, "ip.ranges.azure",
                "Path of an Azure ServiceTags JSON file."));
    }
}
