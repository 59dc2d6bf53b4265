package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.cartograph.capture.ebpf.internal.BpfLoader;
import org.cartograph.capture.ebpf.internal.KernelException;
import org.cartograph.capture.ebpf.internal.ProgramSet;

/** Loads BPF objects through libbpf ({@code libbpf.so.1}). Stateless and thread-safe. */
public final class LibbpfLoader implements BpfLoader {

    private static final String TRACEFS = "/sys/kernel/tracing";

    /**
     * @return null if libbpf can be used, else why not
     */
    public static String problem() {
        return Native.libbpfProblem();
    }

    @Override
    public boolean kernelHasBtfType(String typeName) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            MemorySegment btf = (MemorySegment) Libbpf.BTF_LOAD_VMLINUX.invokeExact(state);
            if (btf.address() == 0) {
                return false;
            }
            try {
                int id = (int) Libbpf.BTF_FIND_BY_NAME.invokeExact(state, btf, arena.allocateFrom(typeName));
                return id > 0;
            } finally {
                Libbpf.BTF_FREE.invokeExact(state, btf);
            }
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public boolean ensureTracefs() throws KernelException {
        if (Files.isDirectory(Path.of("/sys/kernel/tracing/events")) || Files.isDirectory(Path.of("/sys/kernel/debug/tracing/events"))) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            int r = (int) Libbpf.MOUNT.invokeExact(state, arena.allocateFrom("nodev"), arena.allocateFrom(TRACEFS),
                    arena.allocateFrom("tracefs"), 0L, MemorySegment.NULL);
            if (r != 0) {
                throw Native.failure("mount(tracefs on " + TRACEFS + ")", Native.errno(state));
            }
            return true;
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void unmountTracefs() throws KernelException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Native.CALL_STATE);
            int r = (int) Libbpf.UMOUNT2.invokeExact(state, arena.allocateFrom(TRACEFS), 0);
            if (r != 0) {
                throw Native.failure("umount2(" + TRACEFS + ")", Native.errno(state));
            }
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public ProgramSet load(byte[] object, Set<String> programs, int maxEntries) throws KernelException {
        return LibbpfProgramSet.load(object, programs, maxEntries);
    }
}
