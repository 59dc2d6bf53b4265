package org.cartograph.dns.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.cartograph.flow.DnsStats;

/**
 * Statistics of one interval, keyed by (client, server, domain, query type), at most
 * {@code maxEntries} keys: a new key beyond that is refused (the caller counts the drop).
 * Open addressing; lookups allocate nothing, a new key allocates its entry. Not thread-safe.
 */
final class StatsTable {

    private final StatsEntry[] slots;
    private final int mask;
    private final int maxEntries;
    private int size;

    StatsTable(int maxEntries) {
        this.maxEntries = maxEntries;
        int cap = Integer.highestOneBit(Math.max(4, maxEntries) * 2 - 1) << 1;
        slots = new StatsEntry[cap];
        mask = cap - 1;
    }

    /** @return the entry for the key, created if absent; null if the table is full */
    StatsEntry get(long ch, long cl, long sh, long sl, String domain, int qtype) {
        int h = hash(ch, cl, sh, sl, domain, qtype);
        int slot = NameInterner.mix(h) & mask;
        while (true) {
            StatsEntry e = slots[slot];
            if (e == null) {
                break;
            }
            if (e.hash == h && e.matches(ch, cl, sh, sl, domain, qtype)) {
                return e;
            }
            slot = (slot + 1) & mask;
        }
        if (size >= maxEntries) {
            return null;
        }
        StatsEntry e = new StatsEntry(ch, cl, sh, sl, domain, qtype, h);
        slots[slot] = e;
        size++;
        return e;
    }

    int size() {
        return size;
    }

    /** @return every entry as an API record, then empties the table */
    List<DnsStats> drain() {
        List<DnsStats> out = new ArrayList<>(size);
        for (StatsEntry e : slots) {
            if (e != null) {
                out.add(e.toStats());
            }
        }
        Arrays.fill(slots, null);
        size = 0;
        return out;
    }

    private static int hash(long ch, long cl, long sh, long sl, String domain, int qtype) {
        long x = ch * 31 + cl;
        x = x * 31 + sh;
        x = x * 31 + sl;
        return (int) (x ^ (x >>> 32)) * 31 * 31 + domain.hashCode() * 31 + qtype;
    }
}
