package org.cartograph.kafka.internal.schema;

/** A record value that is not a batch of a schema version this codec reads. */
public final class MalformedBatchException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong with the bytes */
    public MalformedBatchException(String message) {
        super(message);
    }
}
