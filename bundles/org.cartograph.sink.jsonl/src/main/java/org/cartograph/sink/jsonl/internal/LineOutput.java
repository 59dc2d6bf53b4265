package org.cartograph.sink.jsonl.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where the sink's lines go: a rotating file or standard output. Used only on the sink's own
 * thread, one batch at a time: {@link #begin()}, write to the stream, then {@link #commit()} or,
 * on failure, {@link #abort()}. {@link #location()} and {@link #rotations()} may be read from any
 * thread.
 */
interface LineOutput {

    /**
     * Makes the output ready for one batch: opens or reopens the target and rotates it if due.
     *
     * @return the stream to write the batch to; valid until {@link #commit()} or {@link #abort()}
     * @throws IOException if the target cannot be opened or rotated
     */
    OutputStream begin() throws IOException;

    /**
     * Pushes the batch written since {@link #begin()} to the target.
     *
     * @throws IOException if the target rejects the data
     */
    void commit() throws IOException;

    /**
     * Undoes a partly written batch as far as possible and lets go of the target, so that the
     * next {@link #begin()} opens it afresh. Never throws.
     */
    void abort();

    /** @return where the lines go, for status and messages: an absolute path or {@code stdout} */
    String location();

    /** @return how many times the output was rotated */
    long rotations();

    /** Flushes and releases the target. Never throws; harmless when repeated. */
    void close();
}
