package org.cartograph.capture.ebpf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cartograph.testkit.Cmd;
import org.junit.jupiter.api.Test;

/**
 * The classic-tracepoint variant mounts tracefs only where it is absent and unmounts only what it
 * mounted. Each case runs the backend in a child JVM inside a private mount namespace
 * ({@code unshare -m}), so unmounting tracefs there never disturbs the host or other tests.
 */
class TracefsKernelTest {

    private static final String UNMOUNT_ALL =
            "while grep -q ' /sys/kernel/tracing ' /proc/self/mountinfo; do umount -l /sys/kernel/tracing || exit 9; done; "
            + "while grep -q ' /sys/kernel/debug ' /proc/self/mountinfo; do umount -l /sys/kernel/debug || exit 9; done; ";
    private static final String MOUNT_IF_ABSENT =
            "grep -q ' /sys/kernel/tracing ' /proc/self/mountinfo || mount -t tracefs nodev /sys/kernel/tracing || exit 9; ";

    /** Runs {@link Probe} after the shell preparation, in a private mount namespace; returns its report. */
    private static List<String> probe(String preparation) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = preparation + "exec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' '" + Probe.class.getName() + "'";
        Cmd.Result r = Cmd.run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", cmd));
        assertEquals(0, r.exitCode(), () -> "probe failed: " + r.stderr() + r.stdout());
        return r.stdout().lines().filter(l -> l.startsWith("PROBE ")).toList();
    }

    @Test
    void tracefsMountedForClassicTracepointsIsUnmountedOnClose() {
        List<String> report = probe(UNMOUNT_ALL);
        assertEquals(List.of("PROBE before mounted=false", "PROBE open mounted=true variant=tracepoint", "PROBE closed mounted=false"),
                report);
    }

    @Test
    void tracefsMountedBeforeIsLeftAlone() {
        List<String> report = probe(MOUNT_IF_ABSENT);
        assertEquals(List.of("PROBE before mounted=true", "PROBE open mounted=true variant=tracepoint", "PROBE closed mounted=true"),
                report);
    }

    /** The child JVM: opens the backend with classic tracepoints, closes it, and reports tracefs each time. */
    static final class Probe {

        private Probe() {
        }

        static boolean mounted() throws java.io.IOException {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .anyMatch(l -> l.contains(" /sys/kernel/tracing ") && l.contains(" - tracefs "));
        }

        public static void main(String[] args) throws Exception {
            System.out.println("PROBE before mounted=" + mounted());
            EbpfBackend backend = new EbpfBackend(new TestConfig("tracepoint", 100, false));
            try {
                backend.open(new Recorder());
                backend.start();
                String hooks = backend.status().variant().split("\\+")[0];
                System.out.println("PROBE open mounted=" + mounted() + " variant=" + hooks);
                assertTrue(backend.status().running(), backend.status().message());
            } finally {
                backend.close();
            }
            System.out.println("PROBE closed mounted=" + mounted());
        }
    }
}
