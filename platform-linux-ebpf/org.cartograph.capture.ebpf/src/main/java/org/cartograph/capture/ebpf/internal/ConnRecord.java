package org.cartograph.capture.ebpf.internal;

/**
 * The layout of {@code struct conn} in {@code conn.bpf.c}: the value of {@code carto_conns} and
 * {@code carto_peers} and the record of {@code carto_closed}, little-endian, addresses and nothing
 * else in network order.
 */
public final class ConnRecord {

    /** Size of one record in bytes. */
    public static final int SIZE = 136;
    static final int COOKIE = 0;
    static final int SADDR = 8;
    static final int DADDR = 24;
    static final int NETNS = 40;
    static final int CGROUP = 48;
    static final int BYTES_SENT = 56;
    static final int BYTES_RECV = 64;
    static final int PKTS_SENT = 72;
    static final int PKTS_RECV = 80;
    static final int RETRANS = 88;
    static final int SRTT = 92;
    static final int RTTVAR = 96;
    static final int PID = 100;
    static final int SPORT = 104;
    static final int DPORT = 106;
    static final int FAMILY = 108;
    static final int PROTO = 110;
    static final int DIRECTION = 111;
    static final int ESTABLISHED = 112;
    static final int CLOSED = 113;
    static final int PREEXISTING = 114;
    static final int HAS_PEERS = 115;
    static final int ERR = 116;
    static final int COMM = 120;
    static final int COMM_LENGTH = 16;

    static final int AF_INET = 2;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int DIR_INCOMING = 1;
    static final int DIR_OUTGOING = 2;

    private ConnRecord() {
    }
}
