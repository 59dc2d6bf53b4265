package org.cartograph.metadata.tagger.internal;

import java.lang.annotation.Annotation;

/** A {@link WorkloadTagger.Config} for constructing the tagger directly. */
public record TestConfig(String proc_root, int pid_cache_size, int pid_refresh_ms) implements WorkloadTagger.Config {

    /** @return the defaults with this proc root */
    public static TestConfig of(String procRoot) {
        return new TestConfig(procRoot, 65_536, 30_000);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return WorkloadTagger.Config.class;
    }
}
