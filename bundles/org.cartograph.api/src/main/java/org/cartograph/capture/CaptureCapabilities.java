package org.cartograph.capture;

import java.util.Set;

/**
 * What a backend can see on this host.
 *
 * @param features the features available; unmodifiable
 */
public record CaptureCapabilities(Set<CaptureFeature> features) {

    /** Copies the set. */
    public CaptureCapabilities {
        features = Set.copyOf(features);
    }

    /**
     * @param feature a feature
     * @return whether the backend sees it
     */
    public boolean has(CaptureFeature feature) {
        return features.contains(feature);
    }
}
