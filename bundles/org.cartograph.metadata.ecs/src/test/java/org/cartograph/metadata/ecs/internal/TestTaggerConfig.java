package org.cartograph.metadata.ecs.internal;

import java.lang.annotation.Annotation;

import org.cartograph.metadata.tagger.internal.WorkloadTagger;

/** The workload tagger's defaults, for constructing it directly in tests. */
final class TestTaggerConfig implements WorkloadTagger.Config {

    @Override
    public String proc_root() {
        return "/proc";
    }

    @Override
    public int pid_cache_size() {
        return 1024;
    }

    @Override
    public int pid_refresh_ms() {
        return 30_000;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return WorkloadTagger.Config.class;
    }
}
