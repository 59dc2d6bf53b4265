package org.cartograph.nat.internal;

/** The kernel dropped netlink messages because the socket's receive buffer was full (ENOBUFS). */
public final class NetlinkOverrunException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    /** @param errno ENOBUFS */
    public NetlinkOverrunException(int errno) {
        super("recvfrom", errno, "kernel dropped netlink messages (ENOBUFS)");
    }
}
