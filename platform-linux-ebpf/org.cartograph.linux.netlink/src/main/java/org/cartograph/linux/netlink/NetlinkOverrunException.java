package org.cartograph.linux.netlink;

/**
 * Thrown by {@link NetlinkSocket#receive()} when the kernel dropped netlink messages because the
 * socket's receive buffer was full (ENOBUFS): what was lost must be read again (a dump).
 */
public final class NetlinkOverrunException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    /** @param errno ENOBUFS */
    public NetlinkOverrunException(int errno) {
        super("recvfrom", errno, "kernel dropped netlink messages (ENOBUFS)");
    }
}
