package org.cartograph.capture.ebpf.internal;

/** A native call failed: names the call and the errno with its text. */
public final class KernelException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call  the native function that failed, e.g. {@code bpf_object__load}
     * @param errno the errno it left, 0 if none
     * @param text  the errno's text or what went wrong
     */
    public KernelException(String call, int errno, String text) {
        super(call + " failed: " + (errno != 0 ? "errno " + errno + " (" + text + ")" : text));
        this.call = call;
        this.errno = errno;
    }

    /** @return the native function that failed */
    public String call() {
        return call;
    }

    /** @return the errno it left, 0 if none */
    public int errno() {
        return errno;
    }
}
