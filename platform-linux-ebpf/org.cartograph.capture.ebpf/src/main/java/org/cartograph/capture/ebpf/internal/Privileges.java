package org.cartograph.capture.ebpf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the effective capabilities ({@code CapEff} in {@code /proc/self/status}). */
final class Privileges {

    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_PERFMON = 38;
    static final int CAP_BPF = 39;

    private Privileges() {
    }

    /**
     * @param status the text of {@code /proc/self/status}
     * @return the capabilities missing for loading tracing programs, empty if none
     */
    static List<String> missing(String status) {
        long eff = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        }
        boolean sysAdmin = has(eff, CAP_SYS_ADMIN);
        List<String> missing = new ArrayList<>();
        if (!has(eff, CAP_BPF) && !sysAdmin) {
            missing.add("CAP_BPF");
        }
        if (!has(eff, CAP_PERFMON) && !sysAdmin) {
            missing.add("CAP_PERFMON");
        }
        if (!has(eff, CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN");
        }
        return missing;
    }

    /** @return the missing capabilities of this process, empty if none */
    static List<String> missingHere() {
        try {
            return missing(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException e) {
            return List.of("(cannot read /proc/self/status: " + e.getMessage() + ")");
        }
    }

    private static boolean has(long eff, int cap) {
        return (eff & (1L << cap)) != 0;
    }
}
