package org.cartograph.kafka.internal.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A transport that is up or down at the test's command and keeps what it sent. */
final class FakeTransport implements RecordTransport {

    /** A failure the fake treats as permanent. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("record too large");
        }
    }

    private final List<String> sentKeys = new ArrayList<>();
    private volatile boolean up = true;
    private volatile int rejectKeyLength = Integer.MAX_VALUE;
    private int attempts;

    @Override
    public synchronized CompletionStage<Void> send(String key, byte[] value) {
        attempts++;
        if (key.length() >= rejectKeyLength) {
            return CompletableFuture.failedFuture(new TooLarge());
        }
        if (!up) {
            return CompletableFuture.failedFuture(new IllegalStateException("brokers unreachable"));
        }
        sentKeys.add(key);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isPermanent(Throwable failure) {
        return failure instanceof TooLarge;
    }

    @Override
    public void close() {
        up = false;
    }

    void up(boolean isUp) {
        up = isUp;
    }

    void rejectKeysOfLength(int length) {
        rejectKeyLength = length;
    }

    synchronized List<String> sentKeys() {
        return List.copyOf(sentKeys);
    }

    synchronized int attempts() {
        return attempts;
    }
}
