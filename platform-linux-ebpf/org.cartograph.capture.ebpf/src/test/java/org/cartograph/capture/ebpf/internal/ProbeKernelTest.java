package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every one of the {@link KernelScenarios}, captured through a probe process: the eBPF backend
 * runs in its own JVM ({@code bin/cartograph probe}) and this one reads it over the Unix socket
 * with the probe backend, with the same numbers asserted.
 */
class ProbeKernelTest extends KernelScenarios {

    @BeforeAll
    static void start() throws Exception {
        startProbeCapture();
    }

    @Test
    void theProbeProcessHoldsTheProgramsAndStatusNamesIt() {
        long probePid = probe.process.pid();
        List<LifecycleKernelTest.BpfFd> held = LifecycleKernelTest.bpfFds(Path.of("/proc/" + probePid));
        assertTrue(held.stream().anyMatch(LifecycleKernelTest.BpfFd::link), () -> "the probe holds links: " + held);
        List<String> here = LifecycleKernelTest.bpfFds(Path.of("/proc/self")).stream()
                .map(f -> LifecycleKernelTest.cartoPrograms().get(f.progId())).filter(n -> n != null).toList();
        assertEquals(List.of(), here, "this JVM holds no carto_* program: the probe does");

        CaptureStatus status = backend.status();
        assertEquals("probe", status.backend());
        assertTrue(status.variant().startsWith("probe: tp_btf"), status.variant());
        assertTrue(status.running());
        assertTrue(status.message().contains(probe.socket.toString()), status.message());
        assertTrue(backend.capabilities().has(CaptureFeature.CLOSED_CONNECTIONS));
        assertTrue(backend.capabilities().has(CaptureFeature.PREEXISTING_CONNECTIONS));
    }
}
