package org.cartograph.capture.ebpf.internal;

import java.lang.annotation.Annotation;

/** A {@link EbpfBackend.Config} with chosen values. */
record TestConfig(String hooks, int drain_interval_ms, boolean preexisting) implements EbpfBackend.Config {

    static TestConfig defaults() {
        return new TestConfig("auto", 100, true);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return EbpfBackend.Config.class;
    }
}
