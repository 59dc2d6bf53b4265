package org.cartograph.capture.ebpf.internal.probe;

import java.lang.annotation.Annotation;

/**
 * A {@link ProbeBackend.Config} with chosen values, for tests and benchmarks that read a probe.
 *
 * @param socket the probe's socket
 * @param timeout_ms how long the probe may take to answer
 */
public record AgentConfig(String socket, int timeout_ms) implements ProbeBackend.Config {

    @Override
    public Class<? extends Annotation> annotationType() {
        return ProbeBackend.Config.class;
    }
}
