package org.cartograph.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one host saw during one interval, or part of it. The core hands the same immutable
 * instance to every sink. An interval with more flows than the pipeline's batch size is published
 * as several batches, so that memory stays bounded however many connections a host has: they
 * share {@code host}, {@code time} and {@code interval}, each has its own {@code sequence}, the
 * last one has {@code lastOfInterval} set and carries the interval's DNS statistics. A consumer
 * that sums over an interval (e.g. into delta metrics) adds the batches of one interval up to
 * the last one; a consumer that stores flows needs no special handling.
 *
 * @param sequence        batch number, increasing by one per batch from agent start; lets
 *                        consumers detect a lost batch
 * @param host            name of the host that captured the batch
 * @param time            end of the interval
 * @param interval        length of the interval
 * @param flows           connections active during the interval; unmodifiable
 * @param dns             DNS statistics of the interval; unmodifiable
 * @param lastOfInterval  whether no more batches of this interval follow
 */
public record FlowBatch(long sequence, String host, Instant time, Duration interval, List<Flow> flows,
                        List<DnsStats> dns, boolean lastOfInterval) {

    /** Checks required parts and copies lists. */
    public FlowBatch {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(interval, "interval");
        flows = flows == null ? List.of() : List.copyOf(flows);
        dns = dns == null ? List.of() : List.copyOf(dns);
    }

    /**
     * A batch that is a whole interval.
     *
     * @param sequence batch number
     * @param host     host name
     * @param time     end of the interval
     * @param interval length of the interval
     * @param flows    the interval's flows
     * @param dns      the interval's DNS statistics
     */
    public FlowBatch(long sequence, String host, Instant time, Duration interval, List<Flow> flows,
                     List<DnsStats> dns) {
        this(sequence, host, time, interval, flows, dns, true);
    }
}
