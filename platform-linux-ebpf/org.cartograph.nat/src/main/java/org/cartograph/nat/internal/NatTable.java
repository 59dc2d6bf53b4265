package org.cartograph.nat.internal;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.linux.netlink.ConntrackEntry;

/**
 * Translated conntrack entries only: for each, the connection as either end's socket sees it
 * (original tuple seen from the initiator, reply tuple seen from the translated end) → the tuple
 * on the other side of the translation. A socket's own namespace is looked up first; when it holds
 * no translation, the tuple is looked up in every namespace, because NAT often happens in another
 * one than the sockets' (a router namespace, the host's for containers behind MASQUERADE) — unless
 * two namespaces hold the same tuple, which then stays untranslated rather than guessed. Bounded at
 * {@code maxEntries} conntrack entries: a full table evicts an arbitrary entry (counted). Written by
 * the conntrack thread, read by the pipeline thread; lookups take no lock.
 */
final class NatTable {

    /** A socket's view of a connection: netns, protocol, local end, remote end. */
    record Tuple(long netns, int protocol, long localHigh, long localLow, int localPort, long remoteHigh,
                 long remoteLow, int remotePort) {
    }

    /** One translated entry as stored: the translation for each side, and when it was destroyed. */
    private static final class Entry {
        final Tuple original;
        final Tuple reply;
        final ConnectionKey originalTranslated;
        final ConnectionKey replyTranslated;
        volatile long destroyedAt;
        volatile long generation;

        Entry(Tuple original, Tuple reply, ConnectionKey originalTranslated, ConnectionKey replyTranslated) {
            this.original = original;
            this.reply = reply;
            this.originalTranslated = originalTranslated;
            this.replyTranslated = replyTranslated;
        }
    }

    private final int maxEntries;
    /** Original tuple → entry: the table's own size. */
    private final Map<Tuple, Entry> byOriginal = new ConcurrentHashMap<>();
    /** Both orientations → entry, for lookups. */
    private final Map<Tuple, Entry> lookup = new ConcurrentHashMap<>();
    /** Both orientations without their namespace (netns {@link #ANY}) → entry, or {@link #AMBIGUOUS}. */
    private final Map<Tuple, Entry> anyNetns = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();
    /** The namespace of the tuples in {@link #anyNetns}. */
    private static final long ANY = -1;
    /** Marks a tuple translated in more than one namespace. */
    private static final Entry AMBIGUOUS = new Entry(null, null, null, null);

    NatTable(int maxEntries) {
        this.maxEntries = Math.max(1, maxEntries);
    }

    /** @return translated entries held */
    int size() {
        return byOriginal.size();
    }

    /** @return entries evicted because the table was full */
    long evictions() {
        return evictions.get();
    }

    /**
     * Records or refreshes a translated entry; ignores entries that are not translated.
     *
     * @param netns the namespace whose conntrack table holds it
     * @param e     the entry
     * @param generation the namespace's dump generation, for {@link #sweep}
     */
    void put(long netns, ConntrackEntry e, long generation) {
        if (!e.translated() || (e.protocol() != 6 && e.protocol() != 17)) {
            return;
        }
        Tuple original = new Tuple(netns, e.protocol(), e.origSrcHigh(), e.origSrcLow(), e.origSrcPort(),
                e.origDstHigh(), e.origDstLow(), e.origDstPort());
        Entry old = byOriginal.get(original);
        if (old != null) {
            old.destroyedAt = 0;
            old.generation = generation;
            return;
        }
        Tuple reply = new Tuple(netns, e.protocol(), e.replySrcHigh(), e.replySrcLow(), e.replySrcPort(),
                e.replyDstHigh(), e.replyDstLow(), e.replyDstPort());
        Protocol p = e.protocol() == 6 ? Protocol.TCP : Protocol.UDP;
        // the initiator's socket: local = orig src, remote = orig dst; after translation it talks
        // from the reply's destination to the reply's source
        ConnectionKey forInitiator = new ConnectionKey(p, new IpAddress(e.replyDstHigh(), e.replyDstLow()),
                e.replyDstPort(), new IpAddress(e.replySrcHigh(), e.replySrcLow()), e.replySrcPort(), netns);
        // the translated end's socket: local = reply src, remote = reply dst; the other side saw
        // the original destination and source
        ConnectionKey forResponder = new ConnectionKey(p, new IpAddress(e.origDstHigh(), e.origDstLow()),
                e.origDstPort(), new IpAddress(e.origSrcHigh(), e.origSrcLow()), e.origSrcPort(), netns);
        while (byOriginal.size() >= maxEntries) {
            Iterator<Entry> it = byOriginal.values().iterator();
            if (!it.hasNext()) {
                break;
            }
            remove(it.next());
            evictions.incrementAndGet();
        }
        Entry entry = new Entry(original, reply, forInitiator, forResponder);
        entry.generation = generation;
        byOriginal.put(original, entry);
        lookup.put(original, entry);
        lookup.put(reply, entry);
        anyNetns.merge(anywhere(original), entry, (was, now) -> was == now ? was : AMBIGUOUS);
        anyNetns.merge(anywhere(reply), entry, (was, now) -> was == now ? was : AMBIGUOUS);
    }

    private static Tuple anywhere(Tuple t) {
        return new Tuple(ANY, t.protocol(), t.localHigh(), t.localLow(), t.localPort(), t.remoteHigh(), t.remoteLow(),
                t.remotePort());
    }

    /**
     * Marks an entry destroyed; it stays for lookups until {@link #expire} (flows of the interval
     * it closed in are still annotated).
     */
    void destroyed(long netns, ConntrackEntry e, long now) {
        Entry entry = byOriginal.get(new Tuple(netns, e.protocol(), e.origSrcHigh(), e.origSrcLow(), e.origSrcPort(),
                e.origDstHigh(), e.origDstLow(), e.origDstPort()));
        if (entry != null) {
            entry.destroyedAt = now;
        }
    }

    /** Removes entries destroyed before {@code limit}. */
    void expire(long limit) {
        for (Entry e : byOriginal.values()) {
            long at = e.destroyedAt;
            if (at != 0 && at < limit) {
                remove(e);
            }
        }
    }

    /** Removes every entry of a namespace (it vanished, or is about to be dumped again). */
    void forget(long netns) {
        for (Entry e : byOriginal.values()) {
            if (e.original.netns() == netns) {
                remove(e);
            }
        }
    }

    /** After a fresh dump of a namespace: removes its entries the dump did not contain. */
    void sweep(long netns, long generation) {
        for (Entry e : byOriginal.values()) {
            if (e.original.netns() == netns && e.generation < generation) {
                remove(e);
            }
        }
    }

    private void remove(Entry e) {
        byOriginal.remove(e.original, e);
        lookup.remove(e.original, e);
        lookup.remove(e.reply, e);
        for (Tuple t : new Tuple[] {anywhere(e.original), anywhere(e.reply)}) {
            if (!anyNetns.remove(t, e)) {
                anyNetns.remove(t, AMBIGUOUS);
            }
        }
    }

    /**
     * @param key a connection as its local socket sees it (netns must be the socket's namespace)
     * @return the tuple on the other side of the translation (its netns is the namespace whose
     *         conntrack translated it), or null if not translated
     */
    ConnectionKey translate(ConnectionKey key) {
        IpAddress l = key.localAddress();
        IpAddress r = key.remoteAddress();
        Tuple t = new Tuple(key.netns(), key.protocol() == Protocol.TCP ? 6 : 17, l.high(), l.low(), key.localPort(),
                r.high(), r.low(), key.remotePort());
        Entry e = lookup.get(t);
        if (e != null) {
            return e.original.equals(t) ? e.originalTranslated : e.replyTranslated;
        }
        Tuple any = anywhere(t);
        e = anyNetns.get(any);
        if (e == null || e == AMBIGUOUS) {
            return null;
        }
        return anywhere(e.original).equals(any) ? e.originalTranslated : e.replyTranslated;
    }
}
