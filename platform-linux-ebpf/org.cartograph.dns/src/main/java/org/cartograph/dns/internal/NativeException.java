package org.cartograph.dns.internal;

/** A native call failed: names the call, its errno and the errno's text. */
public final class NativeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call   the call, e.g. {@code setsockopt(SO_ATTACH_FILTER)}
     * @param errno  the errno it left
     * @param text   {@code strerror(errno)}
     */
    public NativeException(String call, int errno, String text) {
        super(call + " failed: " + text + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** @return the failed call */
    public String call() {
        return call;
    }

    /** @return its errno */
    public int errno() {
        return errno;
    }
}
