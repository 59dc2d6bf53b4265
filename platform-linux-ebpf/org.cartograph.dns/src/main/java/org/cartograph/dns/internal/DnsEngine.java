package org.cartograph.dns.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.cartograph.flow.DnsStats;

/**
 * Turns captured packets into DNS statistics and reverse-cache entries: decodes the IP packet,
 * takes a UDP payload as one DNS message and reassembles TCP streams into messages
 * ({@link TcpReassembler}), parses each message, matches responses to pending queries by (client, server, client port,
 * id), counts answers by response code with their latency, and expires unanswered queries as
 * timeouts. A query seen twice while pending or just answered (a retransmission, or the same
 * exchange seen in two network namespaces) counts once; so does its response. Times are
 * nanoseconds on one clock chosen by the caller (the capture uses the kernel's receive timestamps,
 * in epoch nanoseconds, and the wall clock for {@link #expire}). Nothing is thrown on bad input: every
 * undecodable or malformed packet is counted and dropped.
 *
 * <p>{@link #onPacket} and {@link #expire} run on the capture thread; {@link #collect} on the
 * pipeline thread and {@link #counters} on any thread. They share one lock, held per packet.
 */
public final class DnsEngine {

    private static final long V4_MAPPED = 0xFFFF_0000_0000L;
    /** How long an answered exchange is remembered, to recognise it when seen again through another socket. */
    private static final long ANSWERED_MEMORY_NANOS = 3_000_000_000L;
    /** Least idle time before a DNS-over-TCP stream is dropped. */
    private static final long TCP_IDLE_NANOS = 30_000_000_000L;

    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock collectLock = new ReentrantLock();
    private final DnsSettings settings;
    private final boolean[] serverPort = new boolean[65536];
    private final boolean[] recordedType;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DnsParser parser = new DnsParser();
    private final DnsMessage msg = new DnsMessage();
    private final NameInterner interner = new NameInterner(1 << 14);
    private final PendingTable pending;
    private final TcpReassembler tcp;
    private final ReverseCache reverse;
    /** Guarded by lock. */
    private StatsTable current;
    /** Guarded by lock; null only while collect drains it. */
    private StatsTable spare;
    /** Guarded by lock: every counter below. */
    private long packets;
    private long parsed;
    private final long[] malformed = new long[DnsParser.CODES];
    private final long[] undecodable = new long[PacketDecoder.CODES];
    private long queries;
    private long responses;
    private long unmatched;
    private long duplicates;
    private long duplicateResponses;
    private long timeouts;
    private long pendingDrops;
    private long statsDrops;
    private long ignoredLocal;
    private long ignoredType;
    private long badAnswers;

    /**
     * @param settings what to honour
     * @param reverse  the reverse cache to fill
     */
    public DnsEngine(DnsSettings settings, ReverseCache reverse) {
        this.settings = settings;
        this.reverse = reverse;
        for (int p : settings.ports()) {
            serverPort[p] = true;
        }
        if (settings.queryTypes().length == 0) {
            recordedType = null;
        } else {
            recordedType = new boolean[65536];
            for (int t : settings.queryTypes()) {
                recordedType[t & 0xFFFF] = true;
            }
        }
        pending = new PendingTable(settings.maxPending());
        tcp = new TcpReassembler(this::message, settings.maxTcpStreams(), Math.max(settings.timeoutNanos(), TCP_IDLE_NANOS));
        current = new StatsTable(settings.maxStats());
        spare = new StatsTable(settings.maxStats());
    }

    /**
     * @param buf      the packet from its network header on
     * @param len      its captured length
     * @param nowNanos when it was received ({@link System#nanoTime()})
     */
    public void onPacket(byte[] buf, int len, long nowNanos) {
        lock.lock();
        try {
            packets++;
            int d = decoder.decode(buf, len);
            if (d != PacketDecoder.OK) {
                undecodable[d]++;
                return;
            }
            if (decoder.tcp) {
                tcp.segment(buf, decoder, nowNanos);
            } else {
                message(buf, decoder.payloadOffset, decoder.payloadLength, nowNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * One DNS message of the packet just decoded (a UDP payload, or a message reassembled from
     * TCP); called with the lock held.
     */
    private void message(byte[] buf, int offset, int length, long nowNanos) {
        int r = parser.parse(buf, offset, length, msg);
        if (r != DnsParser.OK) {
            malformed[r]++;
            return;
        }
        parsed++;
        if (msg.answerError != DnsParser.OK) {
            badAnswers++;
        }
        PacketDecoder p = decoder;
        if (msg.response) {
            if (serverPort[p.srcPort]) {
                onResponse(p.dstHigh, p.dstLow, p.srcHigh, p.srcLow, p.dstPort, nowNanos);
            }
        } else if (serverPort[p.dstPort]) {
            onQuery(p.srcHigh, p.srcLow, p.dstHigh, p.dstLow, p.srcPort, nowNanos);
        }
    }

    private boolean ignored(long serverHigh, long serverLow) {
        if (!settings.collectLocal() && isLoopback(serverHigh, serverLow)) {
            ignoredLocal++;
            return true;
        }
        if (recordedType != null && !recordedType[msg.qtype]) {
            ignoredType++;
            return true;
        }
        return false;
    }

    private void onQuery(long ch, long cl, long sh, long sl, int clientPort, long now) {
        if (ignored(sh, sl)) {
            return;
        }
        if (pending.find(ch, cl, sh, sl, clientPort, msg.id) >= 0) {
            duplicates++;
            return;
        }
        queries++;
        String domain = settings.collectDomains() ? interner.intern(msg.name, msg.nameLength, msg.nameHash) : "";
        if (pending.size() == pending.capacity() && pending.oldestAnswered() >= 0) {
            pending.remove(pending.oldestAnswered());
        }
        if (pending.insert(ch, cl, sh, sl, clientPort, msg.id, now, domain, msg.qtype) < 0) {
            pendingDrops++;
        }
        if (settings.collectStats()) {
            StatsEntry e = current.get(ch, cl, sh, sl, domain, msg.qtype);
            if (e == null) {
                statsDrops++;
            } else {
                e.queries++;
            }
        }
    }

    private void onResponse(long ch, long cl, long sh, long sl, int clientPort, long now) {
        if (msg.addressCount > 0) {
            String name = interner.intern(msg.name, msg.nameLength, msg.nameHash);
            for (int i = 0; i < msg.addressCount; i++) {
                reverse.put(msg.addressHigh[i], msg.addressLow[i], name, msg.addressTtl[i], now);
            }
        }
        if (ignored(sh, sl)) {
            return;
        }
        int slot = pending.find(ch, cl, sh, sl, clientPort, msg.id);
        if (slot < 0) {
            unmatched++;
            return;
        }
        if (pending.answered(slot)) {
            duplicateResponses++;
            return;
        }
        responses++;
        if (settings.collectStats()) {
            StatsEntry e = current.get(ch, cl, sh, sl, pending.domain(slot), pending.qtype(slot));
            if (e == null) {
                statsDrops++;
            } else {
                e.answered(msg.rcode, (now - pending.sentNanos(slot)) / 1000);
            }
        }
        pending.answer(slot, now);
    }

    /** @param nowNanos the current {@link System#nanoTime()}: queries pending longer than the timeout time out */
    public void expire(long nowNanos) {
        lock.lock();
        try {
            tcp.expire(nowNanos);
            long limit = settings.timeoutNanos();
            long memory = Math.min(limit, ANSWERED_MEMORY_NANOS);
            for (int i = pending.oldestAnswered(); i >= 0 && nowNanos - pending.sentNanos(i) >= memory;
                    i = pending.oldestAnswered()) {
                pending.remove(i);
            }
            for (int i = pending.oldestWaiting(); i >= 0 && nowNanos - pending.sentNanos(i) >= limit;
                    i = pending.oldestWaiting()) {
                timeouts++;
                if (settings.collectStats()) {
                    StatsEntry e = current.get(pending.clientHigh(i), pending.clientLow(i), pending.serverHigh(i),
                            pending.serverLow(i), pending.domain(i), pending.qtype(i));
                    if (e == null) {
                        statsDrops++;
                    } else {
                        e.timeouts++;
                    }
                }
                pending.remove(i);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return the statistics since the previous call; the capture goes on into fresh ones */
    public List<DnsStats> collect() {
        collectLock.lock();
        try {
            StatsTable full;
            lock.lock();
            try {
                full = current;
                current = spare;
                spare = null;
            } finally {
                lock.unlock();
            }
            List<DnsStats> out = full.drain();
            lock.lock();
            try {
                spare = full;
            } finally {
                lock.unlock();
            }
            return out;
        } finally {
            collectLock.unlock();
        }
    }

    /** @return named counters for status */
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        lock.lock();
        try {
            c.put("packets", packets);
            c.put("parsed", parsed);
            long bad = 0;
            for (int i = 1; i < malformed.length; i++) {
                bad += malformed[i];
                if (malformed[i] > 0) {
                    c.put("malformed_" + DnsParser.codeName(i), malformed[i]);
                }
            }
            for (int i = 1; i < undecodable.length; i++) {
                bad += undecodable[i];
                if (undecodable[i] > 0) {
                    c.put("undecodable_" + PacketDecoder.codeName(i), undecodable[i]);
                }
            }
            c.put("malformed", bad);
            c.put("malformed_answers", badAnswers);
            c.put("queries", queries);
            c.put("responses", responses);
            c.put("unmatched_responses", unmatched);
            c.put("duplicate_queries", duplicates);
            c.put("timeouts", timeouts);
            c.put("duplicate_responses", duplicateResponses);
            c.put("pending", (long) pending.waiting());
            c.put("recently_answered", (long) (pending.size() - pending.waiting()));
            c.put("pending_drops", pendingDrops);
            c.put("stats_keys", (long) current.size());
            c.put("stats_drops", statsDrops);
            c.put("ignored_local", ignoredLocal);
            c.put("ignored_query_type", ignoredType);
            tcp.counters(c);
        } finally {
            lock.unlock();
        }
        c.put("reverse_cache_size", (long) reverse.size());
        c.put("reverse_cache_evictions", reverse.evictions());
        return c;
    }

    private static boolean isLoopback(long hi, long lo) {
        if (hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED) {
            return ((lo >>> 24) & 0xFF) == 127;
        }
        return hi == 0 && lo == 1;
    }
}
