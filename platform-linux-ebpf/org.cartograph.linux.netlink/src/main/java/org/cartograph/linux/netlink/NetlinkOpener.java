package org.cartograph.linux.netlink;

import java.nio.file.Path;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens netlink sockets, in the agent's network namespace or in another one (entered with
 * {@code setns} on a dedicated thread that returns to the agent's namespace at once), and finds the
 * host's network namespaces. This bundle publishes the native implementation as a service; one
 * instance is shared by every user, who never closes it.
 *
 * <p>Thread-safe: every method may be called from any thread. {@link #open} blocks while the
 * namespace thread creates the socket; {@link #poll} blocks up to its timeout; {@link #namespaces}
 * reads {@code /proc} and belongs off the hot path.
 */
@ProviderType
public interface NetlinkOpener {

    /** {@code NETLINK_SOCK_DIAG}. */
    int SOCK_DIAG = 4;
    /** {@code NETLINK_NETFILTER}. */
    int NETFILTER = 12;

    /**
     * Opens and binds one socket. Blocks until it exists; thread-safe.
     *
     * @param protocol       {@link #SOCK_DIAG} or {@link #NETFILTER}
     * @param groups         multicast group bit mask to join at bind, 0 for none
     * @param namespace      a network namespace file ({@code /proc/PID/ns/net}, {@code /var/run/netns/X}),
     *                       or null for the agent's own namespace
     * @param receiveBuffer  bytes of kernel receive buffer wanted (forced when allowed)
     * @param timeoutMillis  receive timeout
     * @return the socket, owned by the caller, who closes it
     * @throws NetlinkException naming the call that failed
     */
    NetlinkSocket open(int protocol, int groups, Path namespace, int receiveBuffer, int timeoutMillis)
            throws NetlinkException;

    /** @return inode of the agent's own network namespace; never blocks, thread-safe */
    long ownNetns();

    /**
     * Finds the host's network namespaces: every file under {@code /var/run/netns} and every
     * {@code /proc/PID/ns/net}, one path per namespace inode. Never throws: what cannot be read is
     * left out. Blocks on file I/O; thread-safe.
     *
     * @return namespace inode → a file that opens it (named namespaces first, then one process per
     *         namespace), in that order
     */
    Map<Long, Path> namespaces();

    /**
     * Waits until at least one of the sockets has data. Allocates nothing after a thread's first
     * call; thread-safe (each thread polls with its own buffers).
     *
     * @param sockets       sockets of this opener
     * @param count         how many of {@code sockets} to watch (at most 1024)
     * @param timeoutMillis how long at most
     * @param ready         set to whether each socket has data
     * @return how many sockets have data; 0 on timeout or interruption by a signal
     * @throws NetlinkException naming {@code poll}
     */
    int poll(NetlinkSocket[] sockets, int count, int timeoutMillis, boolean[] ready) throws NetlinkException;
}
