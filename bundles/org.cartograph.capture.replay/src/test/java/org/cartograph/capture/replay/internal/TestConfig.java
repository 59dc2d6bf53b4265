package org.cartograph.capture.replay.internal;

import java.lang.annotation.Annotation;

/** A {@link ReplayBackend.Config} for constructing the backend directly in tests. */
record TestConfig(String script) implements ReplayBackend.Config {

    @Override
    public Class<? extends Annotation> annotationType() {
        return ReplayBackend.Config.class;
    }
}
