package org.cartograph.capture;

import java.util.List;

import org.cartograph.flow.DnsStats;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Watches DNS traffic and keeps statistics per (client, server, domain, query type). The core
 * calls {@link #collect()} once per interval on its pipeline thread and puts the result into
 * the interval's last batch; the monitor does its capture and parsing on its own threads.
 */
@ConsumerType
public interface DnsMonitor {

    /** @return a short stable name shown in status */
    String name();

    /**
     * Takes the statistics gathered since the previous call and starts new ones. Must return
     * quickly and never throw.
     *
     * @return one entry per key active in the interval
     */
    List<DnsStats> collect();
}
