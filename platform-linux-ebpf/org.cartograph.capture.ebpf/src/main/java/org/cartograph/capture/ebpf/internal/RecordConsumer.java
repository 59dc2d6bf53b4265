package org.cartograph.capture.ebpf.internal;

import java.nio.ByteBuffer;

/** Receives one connection record ({@link ConnRecord} layout) at an offset of a reused buffer. */
@FunctionalInterface
public interface RecordConsumer {

    /**
     * @param buffer little-endian buffer, valid only during the call
     * @param offset where the record starts
     */
    void accept(ByteBuffer buffer, int offset);
}
