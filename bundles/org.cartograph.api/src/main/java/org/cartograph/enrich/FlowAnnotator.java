package org.cartograph.enrich;

import org.cartograph.flow.Flow;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Fills in what the kernel's connection counters cannot say about a flow, from state the
 * annotator keeps itself: the NAT-translated tuple (from conntrack), the DNS names its remote
 * address was resolved from (from a reverse DNS cache). Called on the pipeline thread for every
 * flow of every interval, before the taggers: it must be fast, do no I/O and never throw.
 */
@ConsumerType
public interface FlowAnnotator {

    /** @return a short stable name shown in status */
    String name();

    /**
     * @param flow a flow of this interval
     * @return the flow, or a copy with more filled in (e.g. {@link Flow#withNat}, {@link Flow#withDnsNames})
     */
    Flow annotate(Flow flow);
}
