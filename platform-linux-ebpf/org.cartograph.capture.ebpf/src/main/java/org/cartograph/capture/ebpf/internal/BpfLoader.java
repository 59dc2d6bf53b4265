package org.cartograph.capture.ebpf.internal;

import java.util.Set;

/** Probes the kernel and loads the connection tracker's BPF object. */
public interface BpfLoader {

    /**
     * @param typeName a type name, e.g. {@code btf_trace_sock_send_length}
     * @return whether the running kernel's BTF has it
     */
    boolean kernelHasBtfType(String typeName);

    /**
     * Makes sure tracefs is mounted (classic tracepoints attach through its event ids): mounts it at
     * {@code /sys/kernel/tracing} if neither that nor {@code /sys/kernel/debug/tracing} has events.
     *
     * @return true if this call mounted it; then the caller unmounts it with {@link #unmountTracefs()}
     * @throws KernelException if it is absent and cannot be mounted
     */
    boolean ensureTracefs() throws KernelException;

    /**
     * Unmounts the tracefs that {@link #ensureTracefs()} mounted at {@code /sys/kernel/tracing}.
     * Called only after the programs that needed it are detached.
     *
     * @throws KernelException if it cannot be unmounted (e.g. EBUSY: another process uses it)
     */
    void unmountTracefs() throws KernelException;

    /**
     * Opens and loads a BPF object with only the named programs enabled.
     *
     * @param object     the ELF object
     * @param programs   the programs to load; all others are not loaded
     * @param maxEntries the connection map's size
     * @return the loaded object
     * @throws KernelException if opening or loading fails
     */
    ProgramSet load(byte[] object, Set<String> programs, int maxEntries) throws KernelException;
}
