package org.cartograph.linux.netlink;

import java.io.IOException;

/** A native netlink call failed, or the kernel answered with an error: names the call and the errno. */
public class NetlinkException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call   the native call, e.g. {@code setns}
     * @param errno  the errno, or 0 for a protocol error found in a reply
     * @param detail the errno text or what was wrong
     */
    public NetlinkException(String call, int errno, String detail) {
        super(call + " failed: " + detail + (errno != 0 ? " (errno " + errno + ")" : ""));
        this.call = call;
        this.errno = errno;
    }

    /** @return the failed call */
    public String call() {
        return call;
    }

    /** @return the errno, 0 if none */
    public int errno() {
        return errno;
    }
}
