package org.cartograph.metadata.ecs.internal;

import java.util.ArrayList;
import java.util.List;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagCollector;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Flow;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/** Flows and a tag collector for tagger tests. */
final class TestFlows {

    private TestFlows() {
    }

    static Flow flow(int pid, String local, String remote) {
        ConnectionKey key = new ConnectionKey(Protocol.TCP, IpAddress.parse(local), 40000, IpAddress.parse(remote), 80, 0);
        return new Flow(key, 0, pid, "", 0, Direction.OUTGOING, false, true, false, false, ConnectionStats.ZERO,
                ConnectionStats.ZERO, null, List.of(), TagSet.EMPTY, TagSet.EMPTY);
    }

    /** Collects tags into a set. */
    static final class Collector implements TagCollector {
        private final List<Tag> tags = new ArrayList<>();

        @Override
        public void add(String key, String value) {
            if (value != null && !value.isEmpty()) {
                tags.add(new Tag(key, value));
            }
        }

        @Override
        public void addAll(TagSet set) {
            tags.addAll(set.tags());
        }

        TagSet tags() {
            return TagSet.of(tags);
        }
    }
}
