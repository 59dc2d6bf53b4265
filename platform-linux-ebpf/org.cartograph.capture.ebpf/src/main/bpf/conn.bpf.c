// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Cartograph connection tracker. One entry per TCP or UDP socket in carto_conns, keyed by the
 * socket cookie; a closed socket's entry is moved to the carto_closed ring buffer. Two variants
 * of each socket hook (tp_btf and classic tracepoint); user space enables one of them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define MSG_PEEK 2

#define DIR_NONE 0
#define DIR_INCOMING 1
#define DIR_OUTGOING 2

#define DROP_RINGBUF_FULL 0
#define DROP_MAP_FULL 1
#define DROP_COUNT 2

struct conn {
    __u64 cookie;
    __u8 saddr[16];
    __u8 daddr[16];
    __u64 netns;
    __u64 cgroup;
    __u64 bytes_sent;
    __u64 bytes_recv;
    __u64 pkts_sent;
    __u64 pkts_recv;
    __u32 retrans;
    __u32 srtt_us;
    __u32 rttvar_us;
    __u32 pid;
    __u16 sport;
    __u16 dport;
    __u16 family;
    __u8 proto;
    __u8 direction;
    __u8 established;
    __u8 closed;
    __u8 preexisting;
    __u8 has_peers; /* unconnected UDP: its traffic is in carto_peers, one entry per peer */
    __u32 err;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 131072);
    __type(key, __u64);
    __type(value, struct conn);
} carto_conns SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4 * 1024 * 1024);
} carto_closed SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, DROP_COUNT);
    __type(key, __u32);
    __type(value, __u64);
} carto_drops SEC(".maps");

/*
 * Unconnected UDP sockets: one entry per (socket, peer), counted by the length programs with the peer
 * that the cgroup sock_addr hooks recorded for the call; the value is a whole struct conn (daddr/dport
 * = the peer, saddr/sport = the socket's own end), so it reads like any other flow. The peer ::/0 holds
 * the calls whose peer is not known (a recv() without a source address).
 */
struct peer_key {
    __u64 cookie;
    __u8 addr[16];
    __u16 port;
    __u8 pad[6];
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, struct peer_key);
    __type(value, struct conn);
} carto_peers SEC(".maps");

/* Sockets that have entries in carto_peers (value unused), so that their release walks the peers. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);
    __type(value, __u8);
} carto_peer_socks SEC(".maps");

/*
 * The peer of the unconnected UDP call in progress, per thread and direction (key: thread id * 2 +
 * 1 for a send): written by the sock_addr hook inside the protocol call, read by the length program
 * that runs in the same thread when the call returns. A receive's peer is used once; a send's stays
 * for the corked (MSG_MORE) sends that follow it without an address.
 */
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 8192);
    __type(key, __u64);
    __type(value, struct peer_key);
} carto_calls SEC(".maps");

/* Wake the reader only once this much is waiting; a timer drains the rest. */
const volatile __u64 wakeup_bytes = 256 * 1024;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline void count_drop(__u32 cause)
{
    __u64 *v = bpf_map_lookup_elem(&carto_drops, &cause);
    if (v)
        __sync_fetch_and_add(v, 1);
}

/*
 * Reads a kernel field (CO-RE relocated either way): a tp_btf program's pointers have a BTF type the
 * verifier knows, so the field is loaded directly; a classic tracepoint's pointer is only a number,
 * read with bpf_probe_read_kernel. btf is a constant in every caller, so only one branch is compiled.
 */
#define RD(btf, src, field) ((btf) ? (src)->field : BPF_CORE_READ(src, field))

static __always_inline int wanted(int btf, struct sock *sk, __u16 *family, __u8 *proto)
{
    __u16 f = RD(btf, sk, __sk_common.skc_family);
    if (f != AF_INET && f != AF_INET6)
        return 0;
    __u16 p = RD(btf, sk, sk_protocol);
    if (p != IPPROTO_TCP && p != IPPROTO_UDP)
        return 0;
    *family = f;
    *proto = (__u8)p;
    return 1;
}

/* The socket's tcp_sock view (NULL for UDP); a tp_btf program needs the helper to widen its BTF type. */
static __always_inline struct tcp_sock *tcp_of(int btf, struct sock *sk, __u8 proto)
{
    if (proto != IPPROTO_TCP)
        return 0;
    return btf ? bpf_skc_to_tcp_sock(sk) : (struct tcp_sock *)sk;
}

/* tp is the socket's tcp_sock or NULL; the local port comes from inet_sport (skc_num is 0 at CLOSE). */
static __always_inline void fill_tuple(int btf, struct conn *c, struct sock *sk, struct tcp_sock *tp)
{
    if (c->family == AF_INET) {
        __u32 s = RD(btf, sk, __sk_common.skc_rcv_saddr);
        __u32 d = RD(btf, sk, __sk_common.skc_daddr);
        __builtin_memset(c->saddr, 0, 16);
        __builtin_memset(c->daddr, 0, 16);
        c->saddr[10] = 0xff; c->saddr[11] = 0xff;
        c->daddr[10] = 0xff; c->daddr[11] = 0xff;
        __builtin_memcpy(&c->saddr[12], &s, 4);
        __builtin_memcpy(&c->daddr[12], &d, 4);
    } else if (btf) {
        __u32 *s = (__u32 *)c->saddr;
        __u32 *d = (__u32 *)c->daddr;
        for (int i = 0; i < 4; i++) {
            s[i] = sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[i];
            d[i] = sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[i];
        }
    } else {
        BPF_CORE_READ_INTO(&c->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
        BPF_CORE_READ_INTO(&c->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
    }
    if (btf && tp) {
        c->sport = bpf_ntohs(tp->inet_conn.icsk_inet.inet_sport);
    } else {
        struct inet_sock *inet = (struct inet_sock *)sk;
        c->sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
    }
    c->dport = bpf_ntohs(RD(btf, sk, __sk_common.skc_dport));
}

static __always_inline void refresh_tcp(int btf, struct conn *c, struct tcp_sock *tp)
{
    c->retrans = RD(btf, tp, total_retrans);
    c->srtt_us = RD(btf, tp, srtt_us) >> 3;
    c->rttvar_us = RD(btf, tp, mdev_us) >> 2;
    c->pkts_sent = RD(btf, tp, segs_out);
    c->pkts_recv = RD(btf, tp, segs_in);
}

static __always_inline void set_process(struct conn *c)
{
    c->pid = bpf_get_current_pid_tgid() >> 32;
    c->cgroup = bpf_get_current_cgroup_id();
    bpf_get_current_comm(&c->comm, sizeof(c->comm));
}

/* Fills a new (zeroed) entry of a socket. */
static __always_inline void init_conn(int btf, struct conn *n, __u64 cookie, struct sock *sk, struct tcp_sock *tp,
                                      __u16 family, __u8 proto, int process_context, __u8 direction,
                                      __u8 preexisting)
{
    n->cookie = cookie;
    n->family = family;
    n->proto = proto;
    n->direction = direction;
    n->preexisting = preexisting;
    n->netns = btf ? sk->__sk_common.skc_net.net->ns.inum : BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
    if (process_context)
        set_process(n);
    fill_tuple(btf, n, sk, tp);
}

/* The entry that exists already after an insert failed; NULL (counted) if the map is full. */
static __always_inline struct conn *existing(__u64 cookie)
{
    struct conn *c = bpf_map_lookup_elem(&carto_conns, &cookie);
    if (!c)
        count_drop(DROP_MAP_FULL);
    return c;
}

/* Finds or creates the entry of a socket; NULL if it cannot be tracked. */
static __always_inline struct conn *entry(int btf, __u64 cookie, struct sock *sk, struct tcp_sock *tp,
                                          __u16 family, __u8 proto, int process_context, __u8 direction,
                                          __u8 preexisting)
{
    struct conn *c = bpf_map_lookup_elem(&carto_conns, &cookie);
    if (c)
        return c;
    struct conn n = {};
    init_conn(btf, &n, cookie, sk, tp, family, proto, process_context, direction, preexisting);
    if (bpf_map_update_elem(&carto_conns, &cookie, &n, BPF_NOEXIST) != 0)
        return existing(cookie);
    return bpf_map_lookup_elem(&carto_conns, &cookie);
}

static __always_inline void emit_closed(__u64 cookie, struct conn *c)
{
    struct conn *out = bpf_ringbuf_reserve(&carto_closed, sizeof(*out), 0);
    if (!out) {
        count_drop(DROP_RINGBUF_FULL);
        bpf_map_delete_elem(&carto_conns, &cookie);
        return;
    }
    __builtin_memcpy(out, c, sizeof(*out));
    out->closed = 1;
    bpf_map_delete_elem(&carto_conns, &cookie);
    __u64 avail = bpf_ringbuf_query(&carto_closed, BPF_RB_AVAIL_DATA);
    bpf_ringbuf_submit(out, avail >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void copy_meta(struct conn *dst, const struct conn *src)
{
    dst->netns = src->netns;
    dst->cgroup = src->cgroup;
    dst->pid = src->pid;
    dst->direction = src->direction;
    dst->preexisting = src->preexisting;
    __builtin_memcpy(dst->comm, src->comm, sizeof(dst->comm));
}

/*
 * The classic variant has no cookie helper: the kernel's cookie (made at socket creation by
 * carto_sock_new), else the socket's address. An entry created under the address keeps it, even
 * if a cookie is made later (e.g. by sock_diag), so the key never changes during a socket's life.
 */
static __always_inline __u64 tp_key(struct sock *sk)
{
    __u64 cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
    __u64 address = (__u64)sk;
    if (!cookie || bpf_map_lookup_elem(&carto_conns, &address))
        return address;
    return cookie;
}

static __always_inline void add(struct conn *c, int ret, int send)
{
    if (send) {
        __sync_fetch_and_add(&c->bytes_sent, ret);
        __sync_fetch_and_add(&c->pkts_sent, 1);
    } else {
        __sync_fetch_and_add(&c->bytes_recv, ret);
        __sync_fetch_and_add(&c->pkts_recv, 1);
    }
}

/*
 * Marks an unconnected socket as counted per peer. Its calls before this one (peer unknown) stay
 * as the ::/0 peer's entry, so no byte is lost when the socket's own entry is left out of snapshots.
 * Returns 0 if the socket cannot be marked (then its traffic stays on its own entry).
 */
static __always_inline int mark_peers(__u64 cookie, struct conn *c)
{
    __u8 one = 1;
    if (bpf_map_update_elem(&carto_peer_socks, &cookie, &one, BPF_ANY) != 0) {
        count_drop(DROP_MAP_FULL);
        return 0;
    }
    c->has_peers = 1;
    if (c->pkts_sent || c->pkts_recv) {
        struct peer_key unknown = {};
        unknown.cookie = cookie;
        if (bpf_map_update_elem(&carto_peers, &unknown, c, BPF_NOEXIST) != 0)
            count_drop(DROP_MAP_FULL);
    }
    return 1;
}

/*
 * One call of an unconnected UDP socket (c is its own entry): counted under the peer its sock_addr
 * hook recorded, under ::/0 if none did (a recv() without a source address) once the socket has
 * peers, else on the socket's own entry.
 */
static __always_inline void on_unconnected(__u64 cookie, struct conn *c, int ret, int send)
{
    __u64 call_key = ((__u64)(__u32)bpf_get_current_pid_tgid() << 1) | send;
    struct peer_key key = {};
    key.cookie = cookie;
    struct peer_key *call = bpf_map_lookup_elem(&carto_calls, &call_key);
    if (call && call->cookie == cookie) {
        __builtin_memcpy(key.addr, call->addr, 16);
        key.port = call->port;
        if (!send)
            call->cookie = 0;
    } else if (!c->has_peers) {
        add(c, ret, send);
        return;
    }
    if (!c->has_peers && !mark_peers(cookie, c)) {
        add(c, ret, send);
        return;
    }
    struct conn *p = bpf_map_lookup_elem(&carto_peers, &key);
    if (!p) {
        struct conn n = {};
        copy_meta(&n, c);
        n.cookie = cookie;
        n.family = c->family;
        n.proto = IPPROTO_UDP;
        __builtin_memcpy(n.saddr, c->saddr, 16);
        n.sport = c->sport;
        __builtin_memcpy(n.daddr, key.addr, 16);
        n.dport = key.port;
        n.has_peers = 1;
        bpf_map_update_elem(&carto_peers, &key, &n, BPF_NOEXIST);
        p = bpf_map_lookup_elem(&carto_peers, &key);
        if (!p) {
            count_drop(DROP_MAP_FULL);
            return;
        }
    }
    add(p, ret, send);
}

/* One send or receive call's length: the one map lookup finds the entry that is updated in place. */
static __always_inline void on_length(int btf, struct sock *sk, int ret, int flags, int send)
{
    __u16 family;
    __u8 proto;
    if (ret <= 0 || (!send && (flags & MSG_PEEK)))
        return;
    if (!wanted(btf, sk, &family, &proto))
        return;
    struct tcp_sock *tp = tcp_of(btf, sk, proto);
    if (proto == IPPROTO_TCP) {
        if (!tp)
            return;
        int state = RD(btf, sk, __sk_common.skc_state);
        if (state == TCP_CLOSE || state == TCP_LISTEN || state == TCP_SYN_SENT)
            return;
    }
    __u64 cookie = btf ? bpf_get_socket_cookie(sk) : tp_key(sk);
    struct conn *c = entry(btf, cookie, sk, tp, family, proto, 1, DIR_NONE, 0);
    if (!c)
        return;
    if (c->pid == 0)
        set_process(c);
    if (proto == IPPROTO_UDP) {
        if (c->dport == 0)
            fill_tuple(btf, c, sk, tp);
        if (c->dport == 0)
            on_unconnected(cookie, c, ret, send);
        else
            add(c, ret, send);
        return;
    }
    refresh_tcp(btf, c, tp);
    if (send)
        __sync_fetch_and_add(&c->bytes_sent, ret);
    else
        __sync_fetch_and_add(&c->bytes_recv, ret);
}

/* Whether a state change is one that does work: the others return before the socket is touched. */
static __always_inline int state_wanted(int newstate)
{
    return newstate == TCP_SYN_SENT || newstate == TCP_ESTABLISHED || newstate == TCP_CLOSE;
}

/*
 * A TCP state change. Only SYN_SENT, ESTABLISHED and CLOSE matter (callers check state_wanted
 * first): the other half of the ~11 changes of a connection's life return before anything is read.
 * family and protocol come from the caller: the classic tracepoint has them in its record, so no
 * kernel read is needed for a socket that is not IPv4/IPv6 TCP (the tracepoint also fires for SCTP,
 * DCCP, MPTCP).
 */
static __always_inline void on_state(int btf, struct sock *sk, int oldstate, int newstate, __u16 family, __u16 protocol)
{
    if ((family != AF_INET && family != AF_INET6) || protocol != IPPROTO_TCP)
        return;
    __u8 proto = IPPROTO_TCP;
    struct tcp_sock *tp = tcp_of(btf, sk, proto);
    if (!tp)
        return;
    __u64 cookie = btf ? bpf_get_socket_cookie(sk) : tp_key(sk);
    struct conn *c;
    if (newstate == TCP_SYN_SENT || (newstate == TCP_ESTABLISHED && oldstate == TCP_SYN_RECV)) {
        /* a new socket (connecting, or just accepted): insert the complete entry, no lookup unless it exists */
        int incoming = newstate == TCP_ESTABLISHED;
        struct conn n = {};
        init_conn(btf, &n, cookie, sk, tp, family, proto, !incoming, incoming ? DIR_INCOMING : DIR_OUTGOING, 0);
        if (incoming) {
            n.established = 1;
            refresh_tcp(btf, &n, tp);
        }
        if (bpf_map_update_elem(&carto_conns, &cookie, &n, BPF_NOEXIST) == 0)
            return;
        c = existing(cookie);
        if (!c)
            return;
        c->direction = n.direction;
        if (!incoming)
            return;
        c->established = 1;
        fill_tuple(btf, c, sk, tp);
        refresh_tcp(btf, c, tp);
        return;
    }
    if (newstate == TCP_ESTABLISHED) {
        c = entry(btf, cookie, sk, tp, family, proto, 0, DIR_NONE, 0);
        if (!c)
            return;
        c->established = 1;
        fill_tuple(btf, c, sk, tp);
        refresh_tcp(btf, c, tp);
        return;
    }
    if (newstate != TCP_CLOSE)
        return;
    c = bpf_map_lookup_elem(&carto_conns, &cookie);
    if (!c)
        return;
    /* the port is assigned after SYN_SENT: a socket that never got to ESTABLISHED has its tuple read
     * now (skc_num is 0 by now, inet_sport is not); an established one has it already */
    if (!c->established)
        fill_tuple(btf, c, sk, tp);
    refresh_tcp(btf, c, tp);
    c->err = RD(btf, sk, sk_err);
    if (c->err == 0 && oldstate == TCP_SYN_SENT)
        c->err = 110;
    emit_closed(cookie, c);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(carto_send_btf, struct sock *sk, int ret, int flags)
{
    on_length(1, sk, ret, flags, 1);
    return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(carto_recv_btf, struct sock *sk, int ret, int flags)
{
    on_length(1, sk, ret, flags, 0);
    return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(carto_state_btf, struct sock *sk, int oldstate, int newstate)
{
    if (state_wanted(newstate))
        on_state(1, sk, oldstate, newstate, sk->__sk_common.skc_family, sk->sk_protocol);
    return 0;
}

SEC("tracepoint/sock/sock_send_length")
int carto_send_tp(struct trace_event_raw_sock_msg_length *ctx)
{
    struct sock *sk = (struct sock *)ctx->sk;
    on_length(0, sk, ctx->ret, ctx->flags, 1);
    return 0;
}

SEC("tracepoint/sock/sock_recv_length")
int carto_recv_tp(struct trace_event_raw_sock_msg_length *ctx)
{
    struct sock *sk = (struct sock *)ctx->sk;
    on_length(0, sk, ctx->ret, ctx->flags, 0);
    return 0;
}

SEC("tracepoint/sock/inet_sock_set_state")
int carto_state_tp(struct trace_event_raw_inet_sock_set_state *ctx)
{
    int newstate = ctx->newstate;
    if (state_wanted(newstate))
        on_state(0, (struct sock *)ctx->skaddr, ctx->oldstate, newstate, ctx->family, ctx->protocol);
    return 0;
}

static long release_peer(struct bpf_map *map, struct peer_key *key, struct conn *val, __u64 *cookie)
{
    if (key->cookie != *cookie)
        return 0;
    struct conn *out = bpf_ringbuf_reserve(&carto_closed, sizeof(*out), 0);
    if (out) {
        __builtin_memcpy(out, val, sizeof(*out));
        out->closed = 1;
        __u64 avail = bpf_ringbuf_query(&carto_closed, BPF_RB_AVAIL_DATA);
        bpf_ringbuf_submit(out, avail >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
    } else {
        count_drop(DROP_RINGBUF_FULL);
    }
    bpf_map_delete_elem(&carto_peers, key);
    return 0;
}

/*
 * UDP sockets have no state change on close: their release ends them. An unconnected socket's
 * traffic is in its peer entries: those are moved to the ring buffer instead of the socket's entry.
 */
SEC("cgroup/sock_release")
int carto_sock_rel(struct bpf_sock *ctx)
{
    if (ctx->protocol != IPPROTO_UDP)
        return 1;
    __u64 cookie = bpf_get_socket_cookie(ctx);
    struct conn *c = bpf_map_lookup_elem(&carto_conns, &cookie);
    if (bpf_map_lookup_elem(&carto_peer_socks, &cookie)) {
        bpf_for_each_map_elem(&carto_peers, release_peer, &cookie, 0);
        bpf_map_delete_elem(&carto_peer_socks, &cookie);
        if (c)
            bpf_map_delete_elem(&carto_conns, &cookie);
        return 1;
    }
    if (c)
        emit_closed(cookie, c);
    return 1;
}

/*
 * The peer of an unconnected UDP call (cgroup sock_addr, every namespace): sendmsg hooks run in
 * udp_sendmsg/udpv6_sendmsg only for a send with a destination address on a socket without a
 * connected peer; recvmsg hooks run in udp_recvmsg/udpv6_recvmsg only when the caller asks for the
 * source address, with the datagram's source filled in. The address is read, never changed; a v4
 * peer of a dual-stack socket arrives as ::ffff:a.b.c.d in the v6 hooks, or in the v4 hook when
 * udpv6_sendmsg hands a v4-mapped destination to udp_sendmsg: both give the same key.
 */
static __always_inline int on_call(struct bpf_sock_addr *ctx, int send, int v6)
{
    struct bpf_sock *sk = ctx->sk;
    if (!sk || sk->dst_port != 0 || ctx->protocol != IPPROTO_UDP)
        return 1;
    struct peer_key key = {};
    key.cookie = bpf_get_socket_cookie(ctx);
    if (v6) {
        __u32 *a = (__u32 *)key.addr;
        a[0] = ctx->user_ip6[0];
        a[1] = ctx->user_ip6[1];
        a[2] = ctx->user_ip6[2];
        a[3] = ctx->user_ip6[3];
    } else {
        __u32 ip = ctx->user_ip4;
        key.addr[10] = 0xff;
        key.addr[11] = 0xff;
        __builtin_memcpy(&key.addr[12], &ip, 4);
    }
    key.port = bpf_ntohs((__u16)ctx->user_port);
    __u64 call_key = ((__u64)(__u32)bpf_get_current_pid_tgid() << 1) | send;
    struct peer_key *call = bpf_map_lookup_elem(&carto_calls, &call_key);
    if (call)
        __builtin_memcpy(call, &key, sizeof(key));
    else
        bpf_map_update_elem(&carto_calls, &call_key, &key, BPF_ANY);
    return 1;
}

SEC("cgroup/sendmsg4")
int carto_udp_send4(struct bpf_sock_addr *ctx)
{
    return on_call(ctx, 1, 0);
}

SEC("cgroup/sendmsg6")
int carto_udp_send6(struct bpf_sock_addr *ctx)
{
    return on_call(ctx, 1, 1);
}

SEC("cgroup/recvmsg4")
int carto_udp_recv4(struct bpf_sock_addr *ctx)
{
    return on_call(ctx, 0, 0);
}

SEC("cgroup/recvmsg6")
int carto_udp_recv6(struct bpf_sock_addr *ctx)
{
    return on_call(ctx, 0, 1);
}

/* Classic variant only: gives every new socket a cookie, so that tp_key finds it. */
SEC("cgroup/sock_create")
int carto_sock_new(struct bpf_sock *ctx)
{
    bpf_get_socket_cookie(ctx);
    return 1;
}

/* Connections open before the agent started. */
SEC("iter/tcp")
int carto_iter_tcp(struct bpf_iter__tcp *ctx)
{
    struct sock_common *skc = ctx->sk_common;
    if (!skc)
        return 0;
    struct tcp_sock *tp = bpf_skc_to_tcp_sock(skc);
    if (!tp)
        return 0;
    struct sock *sk = (struct sock *)tp;
    int state = sk->__sk_common.skc_state;
    if (state == TCP_LISTEN || state == TCP_CLOSE || state == TCP_SYN_SENT || state == TCP_SYN_RECV)
        return 0;
    __u16 family;
    __u8 proto;
    if (!wanted(0, sk, &family, &proto))
        return 0;
    __u64 cookie = bpf_get_socket_cookie(sk);
    if (bpf_map_lookup_elem(&carto_conns, &cookie))
        return 0;
    struct conn *c = entry(0, cookie, sk, tp, family, proto, 0, DIR_NONE, 1);
    if (!c)
        return 0;
    c->established = 1;
    c->bytes_sent = tp->bytes_acked;
    c->bytes_recv = tp->bytes_received;
    refresh_tcp(0, c, tp);
    return 0;
}

SEC("iter/udp")
int carto_iter_udp(struct bpf_iter__udp *ctx)
{
    struct udp_sock *udp = ctx->udp_sk;
    if (!udp)
        return 0;
    struct sock *sk = (struct sock *)udp;
    __u16 family;
    __u8 proto;
    if (!wanted(0, sk, &family, &proto))
        return 0;
    __u64 cookie = bpf_get_socket_cookie(sk);
    if (bpf_map_lookup_elem(&carto_conns, &cookie))
        return 0;
    entry(0, cookie, sk, 0, family, proto, 0, DIR_NONE, 1);
    return 0;
}
