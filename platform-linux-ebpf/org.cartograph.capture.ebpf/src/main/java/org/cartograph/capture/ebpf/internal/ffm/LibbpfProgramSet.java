package org.cartograph.capture.ebpf.internal.ffm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.cartograph.capture.ebpf.internal.ClosedRing;
import org.cartograph.capture.ebpf.internal.ConnectionTable;
import org.cartograph.capture.ebpf.internal.DropCounters;
import org.cartograph.capture.ebpf.internal.KernelException;
import org.cartograph.capture.ebpf.internal.ProgramSet;
import org.cartograph.capture.ebpf.internal.RecordConsumer;

/** A libbpf {@code bpf_object} and its {@code bpf_link}s. One thread at a time. */
final class LibbpfProgramSet implements ProgramSet {

    static final String CONNECTIONS_MAP = "carto_conns";
    static final String PEERS_MAP = "carto_peers";
    static final int PEER_KEY_SIZE = 32;
    static final String CLOSED_RING = "carto_closed";
    static final String DROPS_MAP = "carto_drops";
    private static final int O_RDONLY_DIRECTORY = 0x10000;
    private static final int CLONE_NEWNET = 0x40000000;

    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment object;
    private final List<MemorySegment> links = new ArrayList<>();
    private final List<String> linkNames = new ArrayList<>();
    private final LibbpfConnectionTable connections;
    private final LibbpfConnectionTable peers;
    private final LibbpfDropCounters drops;
    private boolean closed;

    private LibbpfProgramSet(Arena arena, MemorySegment object) throws KernelException {
        this.arena = arena;
        this.state = arena.allocate(Native.CALL_STATE);
        this.object = object;
        BatchBuffers batch = new BatchBuffers(arena, PEER_KEY_SIZE);
        this.connections = new LibbpfConnectionTable(batch, mapFd(CONNECTIONS_MAP), CONNECTIONS_MAP);
        this.peers = new LibbpfConnectionTable(batch, mapFd(PEERS_MAP), PEERS_MAP);
        this.drops = new LibbpfDropCounters(arena, mapFd(DROPS_MAP));
    }

    static ProgramSet load(byte[] elf, Set<String> programs, int maxEntries) throws KernelException {
        Arena arena = Arena.ofShared();
        MemorySegment obj = MemorySegment.NULL;
        try {
            MemorySegment st = arena.allocate(Native.CALL_STATE);
            MemorySegment buf = arena.allocate(elf.length, 8);
            MemorySegment.copy(elf, 0, buf, ValueLayout.JAVA_BYTE, 0, elf.length);
            obj = Native.check("bpf_object__open_mem",
                    (MemorySegment) Libbpf.OBJECT_OPEN_MEM.invokeExact(st, buf, (long) elf.length, MemorySegment.NULL), st);
            MemorySegment prog = MemorySegment.NULL;
            while (true) {
                prog = (MemorySegment) Libbpf.OBJECT_NEXT_PROGRAM.invokeExact(st, obj, prog);
                if (prog.address() == 0) {
                    break;
                }
                String name = ((MemorySegment) Libbpf.PROGRAM_NAME.invokeExact(st, prog)).reinterpret(256).getString(0);
                Native.check("bpf_program__set_autoload(" + name + ")",
                        (int) Libbpf.PROGRAM_SET_AUTOLOAD.invokeExact(st, prog, programs.contains(name)), st);
            }
            MemorySegment map = Native.check("bpf_object__find_map_by_name(" + CONNECTIONS_MAP + ")",
                    (MemorySegment) Libbpf.FIND_MAP.invokeExact(st, obj, arena.allocateFrom(CONNECTIONS_MAP)), st);
            Native.check("bpf_map__set_max_entries(" + CONNECTIONS_MAP + ")",
                    (int) Libbpf.MAP_SET_MAX_ENTRIES.invokeExact(st, map, maxEntries), st);
            Native.check("bpf_object__load", (int) Libbpf.OBJECT_LOAD.invokeExact(st, obj), st);
            return new LibbpfProgramSet(arena, obj);
        } catch (KernelException | RuntimeException | Error e) {
            closeObject(obj);
            arena.close();
            throw e;
        } catch (Throwable t) {
            closeObject(obj);
            arena.close();
            throw Native.rethrow(t);
        }
    }

    private static void closeObject(MemorySegment obj) {
        if (obj.address() != 0) {
            try (Arena a = Arena.ofConfined()) {
                Libbpf.OBJECT_CLOSE.invokeExact(a.allocate(Native.CALL_STATE), obj);
            } catch (Throwable t) {
                throw Native.rethrow(t);
            }
        }
    }

    private MemorySegment program(String name) throws KernelException {
        try {
            return Native.check("bpf_object__find_program_by_name(" + name + ")",
                    (MemorySegment) Libbpf.FIND_PROGRAM.invokeExact(state, object, arena.allocateFrom(name)), state);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private int mapFd(String name) throws KernelException {
        try {
            MemorySegment map = Native.check("bpf_object__find_map_by_name(" + name + ")",
                    (MemorySegment) Libbpf.FIND_MAP.invokeExact(state, object, arena.allocateFrom(name)), state);
            return Native.check("bpf_map__fd(" + name + ")", (int) Libbpf.MAP_FD.invokeExact(state, map), state);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void attach(String name) throws KernelException {
        MemorySegment prog = program(name);
        try {
            MemorySegment link = Native.check("bpf_program__attach(" + name + ")",
                    (MemorySegment) Libbpf.PROGRAM_ATTACH.invokeExact(state, prog), state);
            links.add(link);
            linkNames.add(name);
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void attachCgroup(String name, String cgroupDir) throws KernelException {
        MemorySegment prog = program(name);
        try {
            int fd = (int) Libbpf.OPEN.invokeExact(state, arena.allocateFrom(cgroupDir), O_RDONLY_DIRECTORY);
            if (fd < 0) {
                throw Native.failure("open(" + cgroupDir + ")", Native.errno(state));
            }
            try {
                MemorySegment link = Native.check("bpf_program__attach_cgroup(" + name + ")",
                        (MemorySegment) Libbpf.PROGRAM_ATTACH_CGROUP.invokeExact(state, prog, fd), state);
                links.add(link);
                linkNames.add(name);
            } finally {
                int ignored = (int) Libbpf.CLOSE.invokeExact(state, fd);
            }
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void runIterator(String name, String netnsPath) throws KernelException {
        MemorySegment prog = program(name);
        try (Arena local = Arena.ofConfined()) {
            MemorySegment st = local.allocate(Native.CALL_STATE);
            MemorySegment link = Native.check("bpf_program__attach_iter(" + name + ")",
                    (MemorySegment) Libbpf.PROGRAM_ATTACH_ITER.invokeExact(st, prog, MemorySegment.NULL), st);
            try {
                int linkFd = Native.check("bpf_link__fd", (int) Libbpf.LINK_FD.invokeExact(st, link), st);
                int iterFd = netnsPath == null
                        ? Native.check("bpf_iter_create(" + name + ")", (int) Libbpf.ITER_CREATE.invokeExact(st, linkFd), st)
                        : iterInNamespace(local, st, name, linkFd, netnsPath);
                try {
                    MemorySegment buf = local.allocate(4096);
                    long n;
                    do {
                        n = (long) Libbpf.READ.invokeExact(st, iterFd, buf, 4096L);
                        if (n < 0) {
                            int e = Native.errno(st);
                            if (e != 4 && e != 11) {
                                throw Native.failure("read(bpf_iter " + name + ")", e);
                            }
                        }
                    } while (n != 0);
                } finally {
                    int ignored = (int) Libbpf.CLOSE.invokeExact(st, iterFd);
                }
            } finally {
                int ignored = (int) Libbpf.LINK_DESTROY.invokeExact(st, link);
            }
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Creates the iterator inside another network namespace, then returns the thread to its own. */
    private static int iterInNamespace(Arena local, MemorySegment st, String name, int linkFd, String netnsPath)
            throws Throwable {
        int own = (int) Libbpf.OPEN.invokeExact(st, local.allocateFrom("/proc/thread-self/ns/net"), 0);
        if (own < 0) {
            throw Native.failure("open(/proc/thread-self/ns/net)", Native.errno(st));
        }
        try {
            int target = (int) Libbpf.OPEN.invokeExact(st, local.allocateFrom(netnsPath), 0);
            if (target < 0) {
                throw Native.failure("open(" + netnsPath + ")", Native.errno(st));
            }
            try {
                if ((int) Libbpf.SETNS.invokeExact(st, target, CLONE_NEWNET) < 0) {
                    throw Native.failure("setns(" + netnsPath + ")", Native.errno(st));
                }
                int iterFd = (int) Libbpf.ITER_CREATE.invokeExact(st, linkFd);
                if ((int) Libbpf.SETNS.invokeExact(st, own, CLONE_NEWNET) < 0) {
                    throw new IllegalStateException("cannot return to the agent's network namespace: "
                            + Native.failure("setns", Native.errno(st)).getMessage());
                }
                return Native.check("bpf_iter_create(" + name + " in " + netnsPath + ")", iterFd, st);
            } finally {
                int ignored = (int) Libbpf.CLOSE.invokeExact(st, target);
            }
        } finally {
            int ignored = (int) Libbpf.CLOSE.invokeExact(st, own);
        }
    }

    @Override
    public ConnectionTable connections() {
        return connections;
    }

    @Override
    public ConnectionTable peers() {
        return peers;
    }

    @Override
    public DropCounters drops() {
        return drops;
    }

    @Override
    public ClosedRing openClosedRing(RecordConsumer consumer) throws KernelException {
        return new LibbpfClosedRing(mapFd(CLOSED_RING), consumer);
    }

    @Override
    public List<String> attached() {
        return List.copyOf(linkNames);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (int i = links.size() - 1; i >= 0; i--) {
                int ignored = (int) Libbpf.LINK_DESTROY.invokeExact(state, links.get(i));
            }
            links.clear();
            linkNames.clear();
            Libbpf.OBJECT_CLOSE.invokeExact(state, object);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        } finally {
            arena.close();
        }
    }
}
