package org.cartograph.linux.netlink;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One netlink socket, bound in one network namespace. Used by one thread at a time; {@link #close}
 * may come from another thread once that thread is done with it. {@link #send} and {@link #receive}
 * allocate nothing.
 */
@ProviderType
public interface NetlinkSocket extends AutoCloseable {

    /**
     * Sends one request; does not wait for the reply.
     *
     * @param request the bytes from its position to its limit, host byte order headers
     * @throws NetlinkException naming {@code sendto} and the errno
     */
    void send(ByteBuffer request) throws NetlinkException;

    /**
     * Receives what the kernel has queued (one or more netlink messages) into the socket's own
     * buffer, blocking at most the socket's receive timeout.
     *
     * @return the socket's buffer (little-endian), position 0, limit the bytes received; empty on timeout.
     *         Valid until the next call.
     * @throws NetlinkOverrunException when the kernel dropped messages (ENOBUFS)
     * @throws NetlinkException naming {@code recvfrom} and the errno
     */
    ByteBuffer receive() throws NetlinkException;

    /** @return inode of the network namespace the socket lives in; never blocks */
    long netns();

    /** Closes the socket. Harmless twice; never throws or blocks. */
    @Override
    void close();
}
