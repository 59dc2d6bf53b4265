package org.cartograph.capture.ebpf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the backend needs from the host, replaceable in unit tests.
 *
 * @param loader       loads BPF objects (libbpf in production)
 * @param object       the compiled BPF object
 * @param missingCaps  the capabilities this process lacks
 * @param cgroupRoot   the cgroup v2 mount point, empty if none
 * @param libbpfProblem null if libbpf loads, else why not
 * @param namespaces   one file per network namespace, for the socket iterators
 */
record Environment(BpfLoader loader, Supplier<byte[]> object, Supplier<List<String>> missingCaps,
                   Supplier<String> cgroupRoot, Supplier<String> libbpfProblem, Supplier<List<String>> namespaces) {

    /** The name of the BPF object inside the bundle, next to this class. */
    static final String OBJECT = "conn.bpf.o";

    static byte[] bundledObject() {
        try (InputStream in = Environment.class.getResourceAsStream(OBJECT)) {
            if (in == null) {
                throw new IllegalStateException(OBJECT + " is missing from the bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OBJECT, e);
        }
    }

    /** @return the first cgroup2 mount point in /proc/self/mounts, empty if none */
    static String findCgroup2() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    return f[1];
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }
}
