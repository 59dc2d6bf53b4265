package org.cartograph.enrich;

import org.osgi.annotation.versioning.ProviderType;

/** Collects the tags a {@link FlowTagger} adds to one end of a flow; implemented by the core. */
@ProviderType
public interface TagCollector {

    /**
     * @param key   tag name
     * @param value tag value; null or empty values are ignored
     */
    void add(String key, String value);

    /** @param tags tags to add */
    void addAll(TagSet tags);
}
