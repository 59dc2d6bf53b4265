package org.cartograph.capture.netlink.internal;

import java.lang.annotation.Annotation;

/** A {@link NetlinkBackend.Config} for constructing the backend directly in tests. */
record TestConfig(String mode, boolean all_namespaces, boolean conntrack, int scan_interval_ms)
        implements NetlinkBackend.Config {

    @Override
    public Class<? extends Annotation> annotationType() {
        return NetlinkBackend.Config.class;
    }
}
