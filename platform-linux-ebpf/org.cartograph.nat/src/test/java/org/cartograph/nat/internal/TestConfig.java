package org.cartograph.nat.internal;

import java.lang.annotation.Annotation;

/** A {@link NatResolver.Config} for constructing the resolver directly in tests. */
record TestConfig(boolean enable_conntrack, int conntrack_max_state_size, boolean all_namespaces,
                  int receive_buffer_bytes) implements NatResolver.Config {

    @Override
    public Class<? extends Annotation> annotationType() {
        return NatResolver.Config.class;
    }
}
