package org.cartograph.capture.ebpf.internal;

import org.junit.jupiter.api.BeforeAll;

/** The {@link KernelScenarios} with the eBPF backend in this JVM. */
class EbpfKernelTest extends KernelScenarios {

    @BeforeAll
    static void start() throws Exception {
        startCapture(TestConfig.defaults());
    }
}
