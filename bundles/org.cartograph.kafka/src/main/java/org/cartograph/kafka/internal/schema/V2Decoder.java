package org.cartograph.kafka.internal.schema;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionKey;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;

/**
 * Reads schema version 2 straight from the record's bytes. A first pass reads the header and the
 * string table and notes where the flows and DNS statistics are (so field order does not
 * matter); a second builds them. A record without {@code more_of_interval} (an older writer's) is
 * the last batch of its interval. Every string of a record is decoded once, and flows with the
 * same tags or DNS names share one {@link TagSet} or list, built (and sorted by TagSet) once per
 * record. Malformed input throws {@link IllegalArgumentException}. Not thread-safe: one instance
 * per thread.
 */
final class V2Decoder {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ProtoReader r = new ProtoReader();
    private final RefSeqCache<TagSet> tagSets = new RefSeqCache<>();
    private final RefSeqCache<List<String>> nameLists = new RefSeqCache<>();
    private String[] strings = new String[256];
    private int stringCount;
    private int[] flowRanges = new int[1024];
    private int[] dnsRanges = new int[64];
    private final Refs nameRefs = new Refs();
    private final Refs localRefs = new Refs();
    private final Refs remoteRefs = new Refs();

    /**
     * @param bytes a record value whose schema version is 2
     * @return the part it holds
     */
    BatchCodec.Part decode(byte[] bytes) {
        r.reset(bytes);
        stringCount = 0;
        int flows = 0;
        int dns = 0;
        long sequence = 0;
        String host = "";
        long time = 0;
        long interval = 0;
        long part = 0;
        long parts = 0;
        boolean moreOfInterval = false;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case Fields.BATCH_SEQUENCE << 3 -> sequence = r.varint();
                case Fields.BATCH_HOST << 3 | ProtoWriter.LENGTH_DELIMITED -> host = r.string();
                case Fields.BATCH_TIME_UNIX_NANOS << 3 -> time = r.varint();
                case Fields.BATCH_INTERVAL_NANOS << 3 -> interval = r.varint();
                case Fields.BATCH_PART << 3 -> part = r.varint();
                case Fields.BATCH_PARTS << 3 -> parts = r.varint();
                case Fields.BATCH_MORE_OF_INTERVAL << 3 -> moreOfInterval = r.varint() != 0;
                case Fields.BATCH_STRINGS << 3 | ProtoWriter.LENGTH_DELIMITED -> {
                    if (stringCount == strings.length) {
                        strings = Arrays.copyOf(strings, stringCount * 2);
                    }
                    strings[stringCount++] = r.string();
                }
                case Fields.BATCH_COMPACT_FLOWS << 3 | ProtoWriter.LENGTH_DELIMITED -> {
                    if (2 * flows + 2 > flowRanges.length) {
                        flowRanges = Arrays.copyOf(flowRanges, flowRanges.length * 2);
                    }
                    int start = r.skipLengthDelimited();
                    flowRanges[2 * flows] = start;
                    flowRanges[2 * flows + 1] = r.position();
                    flows++;
                }
                case Fields.BATCH_DNS << 3 | ProtoWriter.LENGTH_DELIMITED -> {
                    if (2 * dns + 2 > dnsRanges.length) {
                        dnsRanges = Arrays.copyOf(dnsRanges, dnsRanges.length * 2);
                    }
                    int start = r.skipLengthDelimited();
                    dnsRanges[2 * dns] = start;
                    dnsRanges[2 * dns + 1] = r.position();
                    dns++;
                }
                default -> r.skip(tag & 7);
            }
        }
        if (parts > 1 && part >= parts || parts > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("part " + part + " of " + parts);
        }
        tagSets.clear();
        nameLists.clear();
        List<Flow> flowList = new ArrayList<>(flows);
        for (int i = 0; i < flows; i++) {
            r.range(flowRanges[2 * i], flowRanges[2 * i + 1]);
            flowList.add(flow());
        }
        List<DnsStats> dnsList = new ArrayList<>(dns);
        for (int i = 0; i < dns; i++) {
            r.range(dnsRanges[2 * i], dnsRanges[2 * i + 1]);
            dnsList.add(DnsCodec.read(r));
        }
        Arrays.fill(strings, 0, stringCount, null);
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(time, NANOS_PER_SECOND),
                Math.floorMod(time, NANOS_PER_SECOND));
        FlowBatch batch = new FlowBatch(sequence, host, instant, Duration.ofNanos(interval), flowList, dnsList,
                !moreOfInterval);
        return new BatchCodec.Part((int) part, (int) Math.max(1, parts), batch);
    }

    private Flow flow() {
        ConnectionKey key = null;
        long cookie = 0;
        int pid = 0;
        String process = "";
        long cgroupId = 0;
        Direction direction = Direction.NONE;
        boolean intraHost = false;
        boolean ephemeral = false;
        boolean preexisting = false;
        boolean closed = false;
        ConnectionStats delta = ConnectionStats.ZERO;
        ConnectionStats cumulative = ConnectionStats.ZERO;
        ConnectionKey nat = null;
        nameRefs.count = 0;
        localRefs.count = 0;
        remoteRefs.count = 0;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case Fields.FLOW_KEY << 3 | ProtoWriter.LENGTH_DELIMITED -> key = key();
                case Fields.FLOW_COOKIE << 3 | ProtoWriter.FIXED64 -> cookie = r.fixed64();
                case Fields.FLOW_PID << 3 -> pid = (int) r.varint();
                case Fields.FLOW_PROCESS << 3 -> process = string(r.varint());
                case Fields.FLOW_CGROUP_ID << 3 -> cgroupId = r.varint();
                case Fields.FLOW_DIRECTION << 3 -> direction = Fields.direction(r.varint());
                case Fields.FLOW_INTRA_HOST << 3 -> intraHost = r.varint() != 0;
                case Fields.FLOW_EPHEMERAL_LOCAL_PORT << 3 -> ephemeral = r.varint() != 0;
                case Fields.FLOW_PREEXISTING << 3 -> preexisting = r.varint() != 0;
                case Fields.FLOW_CLOSED << 3 -> closed = r.varint() != 0;
                case Fields.FLOW_DELTA << 3 | ProtoWriter.LENGTH_DELIMITED -> delta = stats();
                case Fields.FLOW_CUMULATIVE << 3 | ProtoWriter.LENGTH_DELIMITED -> cumulative = stats();
                case Fields.FLOW_NAT << 3 | ProtoWriter.LENGTH_DELIMITED -> nat = key();
                case Fields.FLOW_DNS_NAMES << 3, Fields.FLOW_DNS_NAMES << 3 | ProtoWriter.LENGTH_DELIMITED -> readRefs(tag, nameRefs);
                case Fields.FLOW_LOCAL_TAGS << 3, Fields.FLOW_LOCAL_TAGS << 3 | ProtoWriter.LENGTH_DELIMITED -> readRefs(tag, localRefs);
                case Fields.FLOW_REMOTE_TAGS << 3, Fields.FLOW_REMOTE_TAGS << 3 | ProtoWriter.LENGTH_DELIMITED -> readRefs(tag, remoteRefs);
                default -> r.skip(tag & 7);
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("a flow without a connection key");
        }
        return new Flow(key, cookie, pid, process, cgroupId, direction, intraHost, ephemeral, preexisting, closed,
                delta, cumulative, nat, names(nameRefs), tags(localRefs), tags(remoteRefs));
    }

    private String string(long ref) {
        if (ref == 0) {
            return "";
        }
        if (ref < 0 || ref > stringCount) {
            throw new IllegalArgumentException("string " + ref + " not in the table of " + stringCount);
        }
        return strings[(int) ref - 1];
    }

    /** Appends a packed field (or one element of an unpacked one) of string references to {@code refs}. */
    private void readRefs(int tag, Refs refs) {
        if ((tag & 7) == ProtoWriter.VARINT) {
            refs.add(checkRef(r.varint()));
            return;
        }
        int outer = r.push();
        while (r.more()) {
            refs.add(checkRef(r.varint()));
        }
        r.pop(outer);
    }

    private int checkRef(long ref) {
        if (ref < 0 || ref > stringCount) {
            throw new IllegalArgumentException("string " + ref + " not in the table of " + stringCount);
        }
        return (int) ref;
    }

    private List<String> names(Refs refs) {
        if (refs.count == 0) {
            return List.of();
        }
        List<String> cached = nameLists.get(refs.refs, refs.count);
        if (cached != null) {
            return cached;
        }
        String[] names = new String[refs.count];
        for (int i = 0; i < refs.count; i++) {
            names[i] = string(refs.refs[i]);
        }
        List<String> list = List.of(names);
        nameLists.put(refs.refs, refs.count, list);
        return list;
    }

    private TagSet tags(Refs refs) {
        if (refs.count == 0) {
            return TagSet.EMPTY;
        }
        if ((refs.count & 1) != 0) {
            throw new IllegalArgumentException("a tag without a value");
        }
        TagSet cached = tagSets.get(refs.refs, refs.count);
        if (cached != null) {
            return cached;
        }
        List<Tag> list = new ArrayList<>(refs.count / 2);
        for (int i = 0; i < refs.count; i += 2) {
            list.add(new Tag(string(refs.refs[i]), string(refs.refs[i + 1])));
        }
        TagSet set = TagSet.of(list);
        tagSets.put(refs.refs, refs.count, set);
        return set;
    }

    /** A growable list of string references, reused from flow to flow. */
    private static final class Refs {
        int[] refs = new int[16];
        int count;

        void add(int ref) {
            if (count == refs.length) {
                refs = Arrays.copyOf(refs, count * 2);
            }
            refs[count++] = ref;
        }
    }

    private ConnectionKey key() {
        int outer = r.push();
        Protocol protocol = null;
        IpAddress local = null;
        IpAddress remote = null;
        int localPort = 0;
        int remotePort = 0;
        long netns = 0;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case Fields.KEY_PROTOCOL << 3 -> {
                    long p = r.varint();
                    protocol = p == Fields.PROTOCOL_TCP ? Protocol.TCP : p == Fields.PROTOCOL_UDP ? Protocol.UDP : null;
                    if (protocol == null) {
                        throw new IllegalArgumentException("unknown protocol " + p);
                    }
                }
                case Fields.KEY_LOCAL_ADDRESS << 3 | ProtoWriter.LENGTH_DELIMITED -> local = r.address();
                case Fields.KEY_LOCAL_PORT << 3 -> localPort = (int) r.varint();
                case Fields.KEY_REMOTE_ADDRESS << 3 | ProtoWriter.LENGTH_DELIMITED -> remote = r.address();
                case Fields.KEY_REMOTE_PORT << 3 -> remotePort = (int) r.varint();
                case Fields.KEY_NETNS << 3 -> netns = r.varint();
                default -> r.skip(tag & 7);
            }
        }
        r.pop(outer);
        if (protocol == null) {
            throw new IllegalArgumentException("unknown protocol 0");
        }
        if (local == null || remote == null) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not 0");
        }
        return new ConnectionKey(protocol, local, localPort, remote, remotePort, netns);
    }

    private ConnectionStats stats() {
        int outer = r.push();
        long bytesSent = 0;
        long bytesReceived = 0;
        long packetsSent = 0;
        long packetsReceived = 0;
        long retransmits = 0;
        int rtt = 0;
        int rttVar = 0;
        int established = 0;
        int closed = 0;
        Map<Integer, Long> failures = null;
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case Fields.STATS_BYTES_SENT << 3 -> bytesSent = r.varint();
                case Fields.STATS_BYTES_RECEIVED << 3 -> bytesReceived = r.varint();
                case Fields.STATS_PACKETS_SENT << 3 -> packetsSent = r.varint();
                case Fields.STATS_PACKETS_RECEIVED << 3 -> packetsReceived = r.varint();
                case Fields.STATS_RETRANSMITS << 3 -> retransmits = r.varint();
                case Fields.STATS_RTT_MICROS << 3 -> rtt = (int) r.varint();
                case Fields.STATS_RTT_VAR_MICROS << 3 -> rttVar = (int) r.varint();
                case Fields.STATS_TCP_ESTABLISHED << 3 -> established = (int) r.varint();
                case Fields.STATS_TCP_CLOSED << 3 -> closed = (int) r.varint();
                case Fields.STATS_TCP_FAILURES << 3 | ProtoWriter.LENGTH_DELIMITED -> {
                    if (failures == null) {
                        failures = new HashMap<>();
                    }
                    int entry = r.push();
                    int errno = 0;
                    long count = 0;
                    while (r.more()) {
                        int t = r.tag();
                        switch (t) {
                            case Fields.MAP_KEY << 3 -> errno = (int) r.varint();
                            case Fields.MAP_VALUE << 3 -> count = r.varint();
                            default -> r.skip(t & 7);
                        }
                    }
                    r.pop(entry);
                    failures.put(errno, count);
                }
                default -> r.skip(tag & 7);
            }
        }
        r.pop(outer);
        if (failures == null && (bytesSent | bytesReceived | packetsSent | packetsReceived | retransmits | rtt | rttVar
                | established | closed) == 0) {
            return ConnectionStats.ZERO;
        }
        return new ConnectionStats(bytesSent, bytesReceived, packetsSent, packetsReceived, retransmits, rtt, rttVar,
                established, closed, failures);
    }
}
