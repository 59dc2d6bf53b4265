package org.cartograph.enrich;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable set of tags sorted by key then value. A key may carry several values (e.g. two
 * {@code kube_service} names for one pod).
 *
 * @param tags the tags, sorted, without duplicates; unmodifiable
 */
public record TagSet(List<Tag> tags) {

    /** The empty set. */
    public static final TagSet EMPTY = new TagSet(List.of());

    /** Sorts, removes duplicates and copies. */
    public TagSet {
        tags = tags.stream().distinct().sorted().toList();
    }

    /**
     * @param tags tags in any order
     * @return the set
     */
    public static TagSet of(Collection<Tag> tags) {
        return tags.isEmpty() ? EMPTY : new TagSet(List.copyOf(tags));
    }

    /**
     * @param map tag names to values
     * @return the set
     */
    public static TagSet of(Map<String, String> map) {
        List<Tag> list = new ArrayList<>(map.size());
        map.forEach((k, v) -> list.add(new Tag(k, v)));
        return of(list);
    }

    /**
     * @param key a tag name
     * @return the first value of that tag, or null
     */
    public String get(String key) {
        for (Tag t : tags) {
            if (t.key().equals(key)) {
                return t.value();
            }
        }
        return null;
    }

    /**
     * @param key a tag name
     * @return every value of that tag, in order
     */
    public List<String> getAll(String key) {
        return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).toList();
    }

    /**
     * @param other tags to add
     * @return the union of both sets
     */
    public TagSet with(TagSet other) {
        if (other.tags.isEmpty()) {
            return this;
        }
        if (tags.isEmpty()) {
            return other;
        }
        List<Tag> all = new ArrayList<>(tags);
        all.addAll(other.tags);
        return new TagSet(all);
    }

    /** @return the tags as a map of name to values, names sorted */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> m = new TreeMap<>();
        for (Tag t : tags) {
            m.computeIfAbsent(t.key(), k -> new ArrayList<>(1)).add(t.value());
        }
        return m;
    }

    /** @return whether there is no tag */
    public boolean isEmpty() {
        return tags.isEmpty();
    }
}
