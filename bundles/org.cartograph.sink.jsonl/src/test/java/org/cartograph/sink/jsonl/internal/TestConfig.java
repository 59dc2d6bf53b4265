package org.cartograph.sink.jsonl.internal;

import java.lang.annotation.Annotation;

/** A {@link JsonlSink.Config} for constructing the sink directly in tests. */
record TestConfig(String path, int max_file_size_mb, int max_files) implements JsonlSink.Config {

    /** @return a config with the annotation's defaults for everything but the path */
    static TestConfig of(String path) {
        return new TestConfig(path, 100, 5);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return JsonlSink.Config.class;
    }
}
