package org.cartograph.capture.ebpf.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which programs run: chosen from what the kernel has.
 *
 * @param hooks       {@code tp_btf} or {@code tracepoint}
 * @param programs    the socket programs to load and attach
 * @param cgroupPrograms the cgroup programs (sock_release; sock_create for classic tracepoints; the
 *                    sock_addr sendmsg/recvmsg hooks that name the peers of unconnected UDP calls),
 *                    empty when there is no cgroup v2
 * @param iterators   the iterator programs for connections open at start (may be empty)
 * @param cannotSee   what this variant misses
 */
record Variant(String hooks, List<String> programs, List<String> cgroupPrograms, List<String> iterators, List<String> cannotSee) {

    static final String TP_BTF = "tp_btf";
    static final String TRACEPOINT = "tracepoint";
    /** The cgroup sock_addr hooks that record the peer of each unconnected UDP send and receive. */
    static final List<String> UDP_PEER_HOOKS = List.of("carto_udp_send4", "carto_udp_send6", "carto_udp_recv4",
            "carto_udp_recv6");

    /**
     * @param loader     probes the kernel's BTF
     * @param requested  {@code auto}, {@code tp_btf} or {@code tracepoint}
     * @param cgroupRoot the cgroup v2 mount, empty if none
     * @return the variant to load
     */
    static Variant choose(BpfLoader loader, String requested, String cgroupRoot) {
        boolean btf = loader.kernelHasBtfType("btf_trace_sock_send_length")
                && loader.kernelHasBtfType("btf_trace_sock_recv_length")
                && loader.kernelHasBtfType("btf_trace_inet_sock_set_state");
        String hooks = switch (requested) {
            case TRACEPOINT -> TRACEPOINT;
            case TP_BTF -> TP_BTF;
            default -> btf ? TP_BTF : TRACEPOINT;
        };
        return of(hooks, loader.kernelHasBtfType("bpf_iter__tcp"), loader.kernelHasBtfType("bpf_iter__udp"), cgroupRoot);
    }

    static Variant of(String hooks, boolean iterTcp, boolean iterUdp, String cgroupRoot) {
        String suffix = hooks.equals(TP_BTF) ? "_btf" : "_tp";
        List<String> cannot = new ArrayList<>();
        List<String> iters = new ArrayList<>();
        if (iterTcp) {
            iters.add("carto_iter_tcp");
        } else {
            cannot.add("TCP connections open before the agent started, until they send or receive");
        }
        if (iterUdp) {
            iters.add("carto_iter_udp");
        } else {
            cannot.add("UDP sockets open before the agent started, until they send or receive");
        }
        List<String> cgroup = cgroupRoot.isEmpty() ? List.of()
                : hooks.equals(TP_BTF) ? List.of("carto_sock_rel") : List.of("carto_sock_rel", "carto_sock_new");
        if (cgroup.isEmpty()) {
            cannot.add("closing of UDP sockets (no cgroup v2 mount): UDP entries stay until the map fills");
            cannot.add("peers of unconnected UDP sockets (no cgroup v2 mount): their traffic is reported with"
                    + " remote ::/port 0");
        } else {
            cgroup = new ArrayList<>(cgroup);
            cgroup.addAll(UDP_PEER_HOOKS);
            cannot.add("the source of UDP datagrams read without asking for it (recv()/read() on an unconnected socket):"
                    + " counted under peer ::/0 of the socket once it has known peers");
            cannot.add("the datagram's own local address on an unconnected UDP socket bound to the wildcard address:"
                    + " its flows show the socket's bound address (0.0.0.0 or ::)");
        }
        if (hooks.equals(TRACEPOINT)) {
            cannot.add("socket cookies of accepted TCP connections (classic tracepoints key them by socket address)");
        }
        return new Variant(hooks, List.of("carto_send" + suffix, "carto_recv" + suffix, "carto_state" + suffix),
                cgroup, List.copyOf(iters), List.copyOf(cannot));
    }

    /** @return every program to load */
    Set<String> toLoad() {
        Set<String> all = new LinkedHashSet<>(programs);
        all.addAll(cgroupPrograms);
        all.addAll(iterators);
        return all;
    }

    /** @return the name shown in status, e.g. {@code tp_btf+cgroup_sock+sock_addr+iter+ringbuf} */
    String label() {
        return hooks + (cgroupPrograms.isEmpty() ? "" : "+cgroup_sock+sock_addr") + (iterators.isEmpty() ? "" : "+iter") + "+ringbuf";
    }
}
