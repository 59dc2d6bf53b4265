package org.cartograph.metadata.kubernetes.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.utils.Serialization;

/** The ClusterRole shipped with the module covers every resource the provider watches. */
class ClusterRoleTest {

    @Test
    void theClusterRoleGrantsListAndWatchOnEveryWatchedResource() throws IOException {
        String firstDocument = Files.readString(Path.of("deploy/kubernetes/clusterrole.yaml")).split("\n---\n")[0];
        ClusterRole role = Serialization.unmarshal(firstDocument,
                ClusterRole.class);
        for (Class<? extends HasMetadata> type : ClusterWatch.WATCHED) {
            String group = HasMetadata.getGroup(type) == null ? "" : HasMetadata.getGroup(type);
            String resource = HasMetadata.getPlural(type);
            assertTrue(role.getRules().stream().anyMatch(r -> r.getApiGroups().contains(group)
                    && r.getResources().contains(resource) && r.getVerbs().containsAll(List.of("list", "watch"))),
                    () -> "no list/watch rule for " + group + "/" + resource);
        }
    }
}
