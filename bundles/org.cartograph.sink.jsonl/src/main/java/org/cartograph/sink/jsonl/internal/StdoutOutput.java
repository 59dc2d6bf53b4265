package org.cartograph.sink.jsonl.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Writes to the JVM's standard output as it is when the first batch arrives; never rotates and
 * never closes it. Used only on the sink's own thread.
 */
final class StdoutOutput implements LineOutput {

    /** What {@link #location()} reports. */
    static final String LOCATION = "stdout";

    /** Guarded by the sink's thread. */
    private PrintStream out;

    @Override
    public OutputStream begin() {
        if (out == null) {
            out = System.out;
        }
        return out;
    }

    @Override
    public void commit() throws IOException {
        out.flush();
        if (out.checkError()) {
            out = null;
            throw new IOException("standard output reported a write error");
        }
    }

    @Override
    public void abort() {
        out = null;
    }

    @Override
    public String location() {
        return LOCATION;
    }

    @Override
    public long rotations() {
        return 0;
    }

    @Override
    public void close() {
        if (out != null) {
            out.flush();
            out = null;
        }
    }
}
