package org.cartograph.capture;

import org.cartograph.flow.Direction;
import org.cartograph.flow.Protocol;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A reusable, mutable view of one connection's identity and cumulative counters, filled by a
 * backend and read by the core during one call. Addresses are the two halves of the IPv6 form,
 * IPv4 as IPv4-mapped ({@link org.cartograph.flow.IpAddress}). Getters never allocate.
 */
@ConsumerType
public interface ConnectionView {

    /** @return the kernel's socket cookie, or 0 when the backend has none */
    long cookie();

    /** @return TCP or UDP */
    Protocol protocol();

    /** @return first 64 bits of the local address (IPv6 form) */
    long localAddressHigh();

    /** @return last 64 bits of the local address (IPv6 form) */
    long localAddressLow();

    /** @return the local port */
    int localPort();

    /** @return first 64 bits of the remote address (IPv6 form) */
    long remoteAddressHigh();

    /** @return last 64 bits of the remote address (IPv6 form) */
    long remoteAddressLow();

    /** @return the remote port */
    int remotePort();

    /** @return inode of the local socket's network namespace, 0 if unknown */
    long netns();

    /** @return owning process id, 0 if unknown */
    int pid();

    /** @return owning process name, empty if unknown; backends return cached strings */
    String processName();

    /** @return owning cgroup v2 id, 0 if unknown */
    long cgroupId();

    /** @return who opened the connection, {@link Direction#NONE} if not known */
    Direction direction();

    /** @return whether the connection existed before capture started */
    boolean preexisting();

    /** @return cumulative payload bytes sent */
    long bytesSent();

    /** @return cumulative payload bytes received */
    long bytesReceived();

    /** @return cumulative packets sent */
    long packetsSent();

    /** @return cumulative packets received */
    long packetsReceived();

    /** @return cumulative TCP retransmitted segments */
    long retransmits();

    /** @return smoothed RTT in microseconds, 0 if unknown */
    int rttMicros();

    /** @return RTT variance in microseconds, 0 if unknown */
    int rttVarMicros();

    /** @return 1 if the connection reached ESTABLISHED, else 0 */
    int tcpEstablished();

    /** @return 1 if the connection is closed, else 0 */
    int tcpClosed();

    /** @return the errno the connection failed with (104, 110, 111, 113, 101, ...), 0 if none */
    int failureErrno();
}
