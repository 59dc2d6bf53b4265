package org.cartograph.metadata.cloud.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.enrich.TagSet;
import org.cartograph.metadata.EntityId;
import org.cartograph.metadata.IpPrefix;
import org.cartograph.metadata.WorkloadEntity;
import org.cartograph.metadata.WorkloadWriter;

/**
 * What the cloud provider last knew, and one refresh step: re-read changed files, ask the
 * metadata services, write everything when something changed. Used only on the provider's thread.
 */
final class CloudState {

    /** Kind and id of the host entity, as the workload tagger reads it. */
    static final EntityId HOST = new EntityId("host", "local");
    /** Kind of a range entity. */
    static final String RANGE_KIND = "cloud_range";

    private final WorkloadWriter writer;
    private final List<RangeFile> files;
    private final HostMetadata host;
    private final CloudStatus status;
    private Map<String, String> hostTags = Map.of();
    private boolean written;

    /**
     * @param host null when host detection is off
     */
    CloudState(WorkloadWriter writer, List<RangeFile> files, HostMetadata host, CloudStatus status) {
        this.writer = writer;
        this.files = files;
        this.host = host;
        this.status = status;
    }

    /**
     * @return whether every source was read without a problem
     * @throws InterruptedException when the provider stops
     */
    boolean refresh() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        boolean changed = !written;
        for (RangeFile f : files) {
            try {
                changed |= f.reloadIfChanged();
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        if (host != null) {
            try {
                Map<String, String> tags = host.detect();
                if (!tags.equals(hostTags)) {
                    hostTags = Map.copyOf(tags);
                    changed = true;
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        int prefixes = 0;
        int skipped = 0;
        for (RangeFile f : files) {
            prefixes += f.ranges().size();
            skipped += f.skipped();
        }
        if (changed) {
            writer.replaceAll(entities());
            written = true;
        }
        status.update(problems, prefixes, skipped, hostTags);
        return problems.isEmpty();
    }

    private List<WorkloadEntity> entities() {
        Map<IpPrefix, RangeParser.Owner> all = new HashMap<>();
        for (RangeFile f : files) {
            all.putAll(f.ranges());
        }
        List<WorkloadEntity> out = new ArrayList<>();
        if (!hostTags.isEmpty()) {
            out.add(new WorkloadEntity(HOST, CloudProvider.NAME, TagSet.of(hostTags), Set.of(), Set.of(), Set.of(),
                    Set.of(), Set.of(), null));
        }
        RangeParser.byOwner(all).forEach((owner, prefixes) -> {
            Map<String, String> tags = new HashMap<>();
            tags.put("cloud_provider", owner.provider());
            if (!owner.region().isEmpty()) {
                tags.put("region", owner.region());
            }
            if (!owner.service().isEmpty()) {
                tags.put("cloud_service", owner.service());
            }
            String id = owner.provider() + "/" + owner.region() + "/" + owner.service();
            out.add(new WorkloadEntity(new EntityId(RANGE_KIND, id), CloudProvider.NAME, TagSet.of(tags), Set.of(),
                    Set.copyOf(prefixes), Set.of(), Set.of(), Set.of(), null));
        });
        return out;
    }
}
