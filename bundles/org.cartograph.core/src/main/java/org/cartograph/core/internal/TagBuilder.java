package org.cartograph.core.internal;

import java.util.ArrayList;
import java.util.List;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagCollector;
import org.cartograph.enrich.TagSet;

/** Collects the tags taggers add to one end of one flow. Not thread-safe; reset per flow. */
final class TagBuilder implements TagCollector {

    private final List<Tag> tags = new ArrayList<>();

    @Override
    public void add(String key, String value) {
        if (key != null && !key.isEmpty() && value != null && !value.isEmpty()) {
            tags.add(new Tag(key, value));
        }
    }

    @Override
    public void addAll(TagSet set) {
        tags.addAll(set.tags());
    }

    TagSet build(TagSet existing) {
        if (tags.isEmpty()) {
            return existing;
        }
        TagSet added = TagSet.of(tags);
        tags.clear();
        return existing.with(added);
    }
}
