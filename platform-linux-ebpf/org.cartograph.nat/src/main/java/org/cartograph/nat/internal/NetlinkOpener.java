package org.cartograph.nat.internal;

import java.nio.file.Path;

/**
 * Opens netlink sockets, in the agent's network namespace or in another one (entered with
 * {@code setns} on a dedicated thread that returns to the agent's namespace at once). Thread-safe.
 */
public interface NetlinkOpener extends AutoCloseable {

    /** {@code NETLINK_SOCK_DIAG}. */
    int SOCK_DIAG = 4;
    /** {@code NETLINK_NETFILTER}. */
    int NETFILTER = 12;

    /**
     * @param protocol       {@link #SOCK_DIAG} or {@link #NETFILTER}
     * @param groups         multicast group bit mask to join at bind, 0 for none
     * @param namespace      a network namespace file ({@code /proc/PID/ns/net}, {@code /var/run/netns/X}),
     *                       or null for the agent's own namespace
     * @param receiveBuffer  bytes of kernel receive buffer wanted (forced when allowed)
     * @param timeoutMillis  receive timeout
     * @return the socket
     * @throws NetlinkException naming the call that failed
     */
    NetlinkSocket open(int protocol, int groups, Path namespace, int receiveBuffer, int timeoutMillis)
            throws NetlinkException;

    /** @return inode of the agent's own network namespace */
    long ownNetns();

    /**
     * Waits until at least one of the sockets has data.
     *
     * @param sockets       sockets of this opener
     * @param count         how many of {@code sockets} to watch
     * @param timeoutMillis how long at most
     * @param ready         set to whether each socket has data
     * @return how many sockets have data; 0 on timeout
     * @throws NetlinkException naming {@code poll}
     */
    int poll(NetlinkSocket[] sockets, int count, int timeoutMillis, boolean[] ready) throws NetlinkException;

    /** Stops the namespace thread. Never throws. */
    @Override
    void close();
}
