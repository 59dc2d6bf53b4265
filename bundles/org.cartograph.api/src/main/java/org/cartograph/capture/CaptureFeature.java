package org.cartograph.capture;

/** Things a capture backend may or may not be able to see. */
public enum CaptureFeature {
    /** TCP connections. */
    TCP,
    /** UDP traffic. */
    UDP,
    /** IPv6. */
    IPV6,
    /** Every network namespace, not just the agent's. */
    ALL_NAMESPACES,
    /** Owning process (pid and name). */
    PROCESS,
    /** Owning cgroup id. */
    CGROUP,
    /** TCP round-trip time. */
    RTT,
    /** TCP retransmits. */
    RETRANSMITS,
    /** TCP failures by errno. */
    TCP_FAILURES,
    /** Every closed connection, even short-lived ones between two snapshots. */
    CLOSED_CONNECTIONS,
    /** Peers of unconnected UDP sockets. */
    UNCONNECTED_UDP_PEERS,
    /** Connections that existed before capture started. */
    PREEXISTING_CONNECTIONS
}
