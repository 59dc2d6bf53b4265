package org.cartograph.capture;

/** A backend cannot open, start or read; the message says why in words a user can act on. */
public class CaptureException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong */
    public CaptureException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
