package org.cartograph.kafka.internal.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.kafka.internal.KafkaClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the spool, oldest entry first and one entry (one batch, one or more records) at a time,
 * to the transport. An entry leaves the spool only once the transport acknowledged all its
 * records; on a retryable failure the whole entry is sent again after a backoff (readers ignore
 * the parts they already have), so batches reach the topic in spool order. An entry the
 * transport can never send is dropped and counted.
 */
final class SpoolSender implements Runnable {

    /** What the sender last saw: connected or not, the last error and since when. */
    record Link(boolean connected, String lastError, Instant since) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(SpoolSender.class);
    private static final long MIN_BACKOFF_MILLIS = 100;

    private final Spool spool;
    private final RecordTransport transport;
    private final Duration sendTimeout;
    private final long maxBackoffMillis;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Written by the sender's thread, read by any. */
    private volatile Link link = new Link(false, "", Instant.now());

    /**
     * @param sendTimeout how long to wait for one acknowledgement before trying again
     * @param maxBackoff  the longest wait between two failed attempts
     */
    SpoolSender(Spool spool, RecordTransport transport, Duration sendTimeout, Duration maxBackoff) {
        this.spool = spool;
        this.transport = transport;
        this.sendTimeout = sendTimeout;
        this.maxBackoffMillis = Math.max(MIN_BACKOFF_MILLIS, maxBackoff.toMillis());
    }

    @Override
    public void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        try {
            while (stop.getCount() > 0) {
                Spool.Entry entry = spool.awaitHead(200, TimeUnit.MILLISECONDS);
                if (entry == null) {
                    continue;
                }
                Throwable failure = send(entry);
                if (failure == null) {
                    spool.acknowledge(entry.id());
                    sent.incrementAndGet();
                    connected();
                    backoff = MIN_BACKOFF_MILLIS;
                } else if (transport.isPermanent(failure)) {
                    spool.acknowledge(entry.id());
                    rejected.incrementAndGet();
                    LOG.warn("Kafka sink: record {} can never be sent, dropped: {}", entry.id(), failure.toString());
                } else {
                    failed(failure);
                    if (stop.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    backoff = Math.min(maxBackoffMillis, backoff * 2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes {@link #run} return after the record in hand. */
    void stop() {
        stop.countDown();
    }

    /** @return records acknowledged by the transport */
    long sent() {
        return sent.get();
    }

    /** @return records the transport refused for good */
    long rejected() {
        return rejected.get();
    }

    /** @return failed attempts */
    long failures() {
        return failures.get();
    }

    /** @return the current link state */
    Link link() {
        return link;
    }

    /**
     * Sends every value of the entry (the transport pipelines them, in order) and waits for all.
     *
     * @return null on success, else the first failure (a permanent one if any was permanent)
     */
    private Throwable send(Spool.Entry entry) throws InterruptedException {
        List<CompletableFuture<Void>> pending = new ArrayList<>(entry.values().size());
        for (byte[] value : entry.values()) {
            try {
                pending.add(transport.send(entry.key(), value).toCompletableFuture());
            } catch (RuntimeException e) {
                pending.add(CompletableFuture.failedFuture(e));
            }
        }
        long deadline = System.nanoTime() + sendTimeout.toNanos();
        Throwable first = null;
        for (CompletableFuture<Void> f : pending) {
            Throwable failure = await(f, deadline);
            if (failure != null && (first == null || transport.isPermanent(failure) && !transport.isPermanent(first))) {
                first = failure;
            }
        }
        return first;
    }

    private Throwable await(CompletableFuture<Void> f, long deadline) throws InterruptedException {
        try {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException | CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (TimeoutException e) {
            return new TimeoutException("no acknowledgement within " + sendTimeout.toMillis() + " ms");
        } catch (RuntimeException e) {
            return e;
        }
    }

    private void connected() {
        if (!link.connected()) {
            LOG.info("Kafka sink connected; {} batches waiting in the spool", spool.records());
            link = new Link(true, link.lastError(), Instant.now());
        }
    }

    private void failed(Throwable failure) {
        failures.incrementAndGet();
        String why = KafkaClients.describe(failure);
        Link before = link;
        if (before.connected()) {
            LOG.warn("Kafka sink disconnected, spooling batches: {}", why);
        } else {
            LOG.debug("Kafka sink still disconnected: {}", why);
        }
        link = new Link(false, why, before.connected() ? Instant.now() : before.since());
    }
}
