package org.cartograph.capture.ebpf.internal.ffm;

import static org.cartograph.capture.ebpf.internal.ffm.Native.INT;
import static org.cartograph.capture.ebpf.internal.ffm.Native.LONG;
import static org.cartograph.capture.ebpf.internal.ffm.Native.PTR;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Downcall handles of the libbpf and libc functions used; each takes the call-state segment first. */
final class Libbpf {

    static final MethodHandle OBJECT_OPEN_MEM = Native.bpf("bpf_object__open_mem", FunctionDescriptor.of(PTR, PTR, LONG, PTR));
    static final MethodHandle OBJECT_LOAD = Native.bpf("bpf_object__load", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle OBJECT_CLOSE = Native.bpf("bpf_object__close", FunctionDescriptor.ofVoid(PTR));
    static final MethodHandle OBJECT_NEXT_PROGRAM = Native.bpf("bpf_object__next_program", FunctionDescriptor.of(PTR, PTR, PTR));
    static final MethodHandle PROGRAM_NAME = Native.bpf("bpf_program__name", FunctionDescriptor.of(PTR, PTR));
    static final MethodHandle PROGRAM_SET_AUTOLOAD = Native.bpf("bpf_program__set_autoload",
            FunctionDescriptor.of(INT, PTR, ValueLayout.JAVA_BOOLEAN));
    static final MethodHandle FIND_PROGRAM = Native.bpf("bpf_object__find_program_by_name", FunctionDescriptor.of(PTR, PTR, PTR));
    static final MethodHandle FIND_MAP = Native.bpf("bpf_object__find_map_by_name", FunctionDescriptor.of(PTR, PTR, PTR));
    static final MethodHandle MAP_SET_MAX_ENTRIES = Native.bpf("bpf_map__set_max_entries", FunctionDescriptor.of(INT, PTR, INT));
    static final MethodHandle MAP_FD = Native.bpf("bpf_map__fd", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle PROGRAM_ATTACH = Native.bpf("bpf_program__attach", FunctionDescriptor.of(PTR, PTR));
    static final MethodHandle PROGRAM_ATTACH_CGROUP = Native.bpf("bpf_program__attach_cgroup", FunctionDescriptor.of(PTR, PTR, INT));
    static final MethodHandle PROGRAM_ATTACH_ITER = Native.bpf("bpf_program__attach_iter", FunctionDescriptor.of(PTR, PTR, PTR));
    static final MethodHandle LINK_FD = Native.bpf("bpf_link__fd", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle LINK_DESTROY = Native.bpf("bpf_link__destroy", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle ITER_CREATE = Native.bpf("bpf_iter_create", FunctionDescriptor.of(INT, INT));
    static final MethodHandle MAP_LOOKUP_BATCH = Native.bpf("bpf_map_lookup_batch",
            FunctionDescriptor.of(INT, INT, PTR, PTR, PTR, PTR, PTR, PTR));
    static final MethodHandle MAP_LOOKUP_ELEM = Native.bpf("bpf_map_lookup_elem", FunctionDescriptor.of(INT, INT, PTR, PTR));
    static final MethodHandle RING_BUFFER_NEW = Native.bpf("ring_buffer__new", FunctionDescriptor.of(PTR, INT, PTR, PTR, PTR));
    static final MethodHandle RING_BUFFER_EPOLL_FD = Native.bpf("ring_buffer__epoll_fd", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle EPOLL_WAIT = Native.libc("epoll_wait", FunctionDescriptor.of(INT, INT, PTR, INT, INT));
    static final MethodHandle RING_BUFFER_CONSUME = Native.bpf("ring_buffer__consume", FunctionDescriptor.of(INT, PTR));
    static final MethodHandle RING_BUFFER_FREE = Native.bpf("ring_buffer__free", FunctionDescriptor.ofVoid(PTR));
    static final MethodHandle NUM_POSSIBLE_CPUS = Native.bpf("libbpf_num_possible_cpus", FunctionDescriptor.of(INT));
    static final MethodHandle BTF_LOAD_VMLINUX = Native.bpf("btf__load_vmlinux_btf", FunctionDescriptor.of(PTR));
    static final MethodHandle BTF_FIND_BY_NAME = Native.bpf("btf__find_by_name", FunctionDescriptor.of(INT, PTR, PTR));
    static final MethodHandle BTF_FREE = Native.bpf("btf__free", FunctionDescriptor.ofVoid(PTR));
    static final MethodHandle OPEN = Native.libc("open", FunctionDescriptor.of(INT, PTR, INT));
    static final MethodHandle READ = Native.libc("read", FunctionDescriptor.of(LONG, INT, PTR, LONG));
    static final MethodHandle SETNS = Native.libc("setns", FunctionDescriptor.of(INT, INT, INT));
    static final MethodHandle MOUNT = Native.libc("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    static final MethodHandle UMOUNT2 = Native.libc("umount2", FunctionDescriptor.of(INT, PTR, INT));
    static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(INT, INT));

    private Libbpf() {
    }
}
