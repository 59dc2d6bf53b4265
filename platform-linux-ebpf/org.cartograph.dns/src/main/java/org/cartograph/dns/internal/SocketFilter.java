package org.cartograph.dns.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The classic BPF program attached to each packet socket ({@code SO_ATTACH_FILTER}): lets through
 * only UDP and TCP packets (IPv4, or IPv6 without extension headers) from or to one of the DNS
 * ports, drops non-first IPv4 fragments and the outgoing copy of loopback packets (each loopback
 * packet would otherwise be seen twice). The socket is {@code SOCK_DGRAM}, so offset 0 is the
 * network header. Pure computation: the native layer copies {@link #program} into a
 * {@code sock_fprog}.
 */
public final class SocketFilter {

    /** At most this many ports fit the 8-bit jump offsets comfortably. */
    public static final int MAX_PORTS = 32;

    /** One {@code struct sock_filter}. @param code opcode @param jt jump if true @param jf jump if false @param k constant */
    public record Insn(int code, int jt, int jf, int k) {
    }

    private static final int LD_W_ABS = 0x20;
    private static final int LD_H_ABS = 0x28;
    private static final int LD_B_ABS = 0x30;
    private static final int LD_H_IND = 0x48;
    private static final int LDX_B_MSH = 0xb1;
    private static final int JEQ_K = 0x15;
    private static final int JSET_K = 0x45;
    private static final int JA = 0x05;
    private static final int RET_K = 0x06;
    private static final int SKF_AD_OFF = -0x1000;
    private static final int SKF_AD_PROTOCOL = 0;
    private static final int SKF_AD_PKTTYPE = 4;
    private static final int SKF_AD_IFINDEX = 8;
    private static final int PACKET_OUTGOING = 4;
    private static final int LOOPBACK_IFINDEX = 1;
    /** Bytes copied of an accepted packet. */
    public static final int SNAP = 65535;

    private record Pending(int code, String jt, String jf, int k) {
    }

    private final List<Pending> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    private SocketFilter() {
    }

    /**
     * @param ports DNS server ports, 1 to {@value #MAX_PORTS} of them
     * @return the program
     */
    public static List<Insn> program(int[] ports) {
        if (ports.length == 0 || ports.length > MAX_PORTS) {
            throw new IllegalArgumentException("between 1 and " + MAX_PORTS + " DNS ports, not " + ports.length);
        }
        SocketFilter f = new SocketFilter();
        f.op(LD_W_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE);
        f.jump(JEQ_K, PACKET_OUTGOING, "ifindex", "proto");
        f.label("ifindex");
        f.op(LD_W_ABS, SKF_AD_OFF + SKF_AD_IFINDEX);
        f.jump(JEQ_K, LOOPBACK_IFINDEX, "drop", "proto");
        f.label("proto");
        f.op(LD_W_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL);
        f.jump(JEQ_K, 0x0800, "v4", null);
        f.jump(JEQ_K, 0x86DD, "v6", "drop");
        f.label("v4");
        f.op(LD_B_ABS, 9);
        f.jump(JEQ_K, 17, "v4ok", null);
        f.jump(JEQ_K, 6, "v4ok", "drop");
        f.label("v4ok");
        f.op(LD_H_ABS, 6);
        f.jump(JSET_K, 0x1FFF, "drop", null);
        f.op(LDX_B_MSH, 0);
        f.op(LD_H_IND, 0);
        f.ports(ports);
        f.op(LD_H_IND, 2);
        f.ports(ports);
        f.jump(JA, 0, "drop", "drop");
        f.label("v6");
        f.op(LD_B_ABS, 6);
        f.jump(JEQ_K, 17, "v6ok", null);
        f.jump(JEQ_K, 6, "v6ok", "drop");
        f.label("v6ok");
        f.op(LD_H_ABS, 40);
        f.ports(ports);
        f.op(LD_H_ABS, 42);
        f.ports(ports);
        f.label("drop");
        f.op(RET_K, 0);
        f.label("accept");
        f.op(RET_K, SNAP);
        return f.resolve();
    }

    private void ports(int[] ports) {
        for (int p : ports) {
            jump(JEQ_K, p, "accept", null);
        }
    }

    private void op(int opcode, int k) {
        code.add(new Pending(opcode, null, null, k));
    }

    private void jump(int opcode, int k, String jt, String jf) {
        code.add(new Pending(opcode, jt, jf, k));
    }

    private void label(String name) {
        labels.put(name, code.size());
    }

    private List<Insn> resolve() {
        List<Insn> out = new ArrayList<>(code.size());
        for (int pc = 0; pc < code.size(); pc++) {
            Pending p = code.get(pc);
            if (p.code() == JA) {
                out.add(new Insn(JA, 0, 0, labels.get(p.jt()) - pc - 1));
                continue;
            }
            out.add(new Insn(p.code(), offset(p.jt(), pc), offset(p.jf(), pc), p.k()));
        }
        return out;
    }

    private int offset(String label, int pc) {
        if (label == null) {
            return 0;
        }
        int off = labels.get(label) - pc - 1;
        if (off < 0 || off > 255) {
            throw new IllegalStateException("jump out of range: " + off);
        }
        return off;
    }
}
