package org.cartograph.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one host saw during one interval. The core builds one batch per interval and hands
 * the same immutable instance to every sink.
 *
 * @param sequence  batch number, increasing by one per interval from agent start; lets consumers
 *                  detect a lost batch
 * @param host      name of the host that captured the batch
 * @param time      end of the interval
 * @param interval  length of the interval
 * @param flows     connections active during the interval; unmodifiable
 * @param dns       DNS statistics of the interval; unmodifiable
 */
public record FlowBatch(long sequence, String host, Instant time, Duration interval, List<Flow> flows,
                        List<DnsStats> dns) {

    /** Checks required parts and copies lists. */
    public FlowBatch {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(interval, "interval");
        flows = flows == null ? List.of() : List.copyOf(flows);
        dns = dns == null ? List.of() : List.copyOf(dns);
    }
}
