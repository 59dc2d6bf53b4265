package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import org.cartograph.capture.ebpf.internal.KernelException;

/**
 * The libbpf and libc functions used, each bound with {@code errno} capture. libbpf is looked up
 * once per JVM; a missing library is reported when first needed.
 */
final class Native {

    static final Linker LINKER = Linker.nativeLinker();
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout PTR = ValueLayout.ADDRESS;
    static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final Lookup LOOKUP = new Lookup();

    private Native() {
    }

    /** The symbol lookups; libbpf stays loaded for the life of the JVM. */
    private static final class Lookup {
        final SymbolLookup libbpf;
        final Throwable failure;

        Lookup() {
            SymbolLookup l = null;
            Throwable f = null;
            try {
                l = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
            } catch (IllegalArgumentException | IllegalCallerException e) {
                f = e;
            }
            libbpf = l;
            failure = f;
        }
    }

    /**
     * @return null if libbpf loads, else why not
     */
    static String libbpfProblem() {
        return LOOKUP.failure == null ? null : "libbpf.so.1 cannot be loaded (install libbpf1): " + LOOKUP.failure.getMessage();
    }

    static MethodHandle bpf(String name, FunctionDescriptor descriptor) {
        if (LOOKUP.libbpf == null) {
            throw new IllegalStateException(libbpfProblem());
        }
        MemorySegment symbol = LOOKUP.libbpf.find(name)
                .orElseThrow(() -> new IllegalStateException("libbpf.so.1 has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE);
    }

    static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** @return an exception naming the call, with the errno's text */
    static KernelException failure(String call, int errno) {
        return new KernelException(call, errno, Errno.text(errno));
    }

    /** Turns a libbpf int result (negative errno on failure) into a value or an exception. */
    static int check(String call, int result, MemorySegment state) throws KernelException {
        if (result < 0) {
            int e = -result;
            if (e <= 0 || e > 4095) {
                e = errno(state);
            }
            throw failure(call, e);
        }
        return result;
    }

    /** Turns a libbpf pointer result (NULL with errno on failure) into a pointer or an exception. */
    static MemorySegment check(String call, MemorySegment result, MemorySegment state) throws KernelException {
        if (result == null || result.address() == 0) {
            throw failure(call, errno(state));
        }
        return result;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
