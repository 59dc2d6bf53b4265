package org.cartograph.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.enrich.Tag;
import org.cartograph.enrich.TagSet;
import org.cartograph.flow.ConnectionStats;
import org.cartograph.flow.Direction;
import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Appends a batch to the {@code flows} and {@code dns} tables through DuckDB's appender. Each flow
 * is stored oriented from source (the end that opened the connection) to destination: for an
 * incoming connection the remote end is the source. The local end's tags get {@code host} and
 * {@code process} (the host is not a column of its own). Each end's tags are stored once per distinct tag set in {@code tagsets} and
 * referenced by id ({@code src_tags}, {@code dst_tags}). A batch is one transaction (one commit
 * instead of one per table). Used on the store's thread only.
 */
final class BatchWriter {

    /** What {@link #write} returns for a batch that is stored already. */
    static final int ALREADY_STORED = -1;

    private static final int RESET = 104;
    private static final int TIMEOUT = 110;
    private static final int REFUSED = 111;
    /** Address texts kept between batches (about 2 MB) before the cache is emptied. */
    private static final int MAX_ADDRESSES = 16_384;

    private final DuckDBConnection connection;
    /** Ids of the tag sets in table {@code tagsets}; store thread only. */
    private final Map<TagSet, Integer> tagSets = new HashMap<>();
    /** Ids of the local ends' tag sets (with host and process added) by what they are made of; store thread only. */
    private final Map<LocalKey, Integer> localSets = new HashMap<>();
    /** Source and destination tag-set ids of the flows of the batch being written; reused. */
    private int[] sets = new int[0];
    /** Per host, the sequence and time (µs) of the last batch stored; store thread only. */
    private final Map<String, long[]> lastBatches = new HashMap<>();
    /** Prepared once (a statement prepared per batch cost ~1 ms); closed with the connection. */
    private PreparedStatement updateLast;
    private PreparedStatement insertLast;
    /** Text of the addresses seen recently (a host talks to the same peers); store thread only. */
    private final Map<IpAddress, String> addresses = new HashMap<>();

    /** What a local end's stored tag set is made of. */
    private record LocalKey(TagSet tags, String host, String process) {
    }

    BatchWriter(DuckDBConnection connection) throws SQLException {
        this.connection = connection;
        loadTagSets();
        loadLastBatches();
    }

    /** (Re)reads the tag-set ids from the table. */
    private void loadTagSets() throws SQLException {
        tagSets.clear();
        localSets.clear();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, keys, vals FROM tagsets")) {
            while (rs.next()) {
                Object[] keys = (Object[]) rs.getArray(2).getArray();
                Object[] vals = (Object[]) rs.getArray(3).getArray();
                List<Tag> tags = new ArrayList<>(keys.length);
                for (int i = 0; i < keys.length; i++) {
                    tags.add(new Tag((String) keys[i], (String) vals[i]));
                }
                tagSets.put(new TagSet(List.copyOf(tags)), rs.getInt(1));
            }
        }
    }

    /** @return the id of a tag set, adding it to {@code tagsets} (through the appender) if new */
    private int tagSet(TagSet tags, DuckDBAppender[] ap) throws SQLException {
        Integer id = tagSets.get(tags);
        if (id != null) {
            return id;
        }
        int next = tagSets.size();
        if (ap[0] == null) {
            ap[0] = connection.createAppender("main", "tagsets");
        }
        List<String> keys = new ArrayList<>(tags.tags().size());
        List<String> values = new ArrayList<>(tags.tags().size());
        for (Tag t : tags.tags()) {
            keys.add(t.key());
            values.add(t.value());
        }
        ap[0].beginRow().append(next).append(keys).append(values).endRow();
        tagSets.put(tags, next);
        return next;
    }

    /**
     * Writes a batch in one transaction: all of its rows or none, and nothing if it is not newer than
     * the last batch stored for its host (a redelivery).
     *
     * @param batch the batch
     * @return rows written (flows plus DNS statistics), or {@link #ALREADY_STORED}
     * @throws SQLException on a database error; nothing of the batch is then stored
     */
    int write(FlowBatch batch) throws SQLException {
        // explicit statements: the appender ignores JDBC's setAutoCommit(false) and commits each flush
        if (redelivered(batch)) {
            return ALREADY_STORED;
        }
        try (Statement st = connection.createStatement()) {
            st.execute("BEGIN TRANSACTION");
            try {
                recordLast(batch);
                int rows = append(batch);
                st.execute("COMMIT");
                lastBatches.put(batch.host(), new long[] {batch.sequence(), Times.micros(batch.time())});
                return rows;
            } catch (SQLException | RuntimeException e) {
                try {
                    st.execute("ROLLBACK");
                } finally {
                    // the new tag sets of this batch are not in the table
                    loadTagSets();
                }
                throw e;
            }
        }
    }

    /**
     * Whether the batch is stored already. A host's batches arrive in order (its own pipeline, or
     * its Kafka partition), so one replayed after a collector restart has both a sequence and a time
     * no later than the host's last stored batch. An agent that restarted counts from 1 again but
     * with later times, and a clock stepped back keeps counting up: both are new.
     */
    private boolean redelivered(FlowBatch batch) {
        long[] last = lastBatches.get(batch.host());
        return last != null && batch.sequence() <= last[0] && Times.micros(batch.time()) <= last[1];
    }

    /** Records the batch as its host's last in {@code host_batches}, in the batch's transaction. */
    private void recordLast(FlowBatch batch) throws SQLException {
        PreparedStatement ps;
        if (lastBatches.containsKey(batch.host())) {
            if (updateLast == null) {
                updateLast = connection.prepareStatement("UPDATE host_batches SET sequence = ?, ts = ? WHERE host = ?");
            }
            ps = updateLast;
        } else {
            if (insertLast == null) {
                insertLast = connection.prepareStatement("INSERT INTO host_batches (sequence, ts, host) VALUES (?, ?, ?)");
            }
            ps = insertLast;
        }
        ps.setLong(1, batch.sequence());
        ps.setLong(2, Times.micros(batch.time()));
        ps.setString(3, batch.host());
        ps.executeUpdate();
    }

    /** (Re)reads each host's last stored batch. */
    private void loadLastBatches() throws SQLException {
        lastBatches.clear();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT host, sequence, ts FROM host_batches")) {
            while (rs.next()) {
                lastBatches.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
    }

    private int append(FlowBatch batch) throws SQLException {
        long ts = Times.micros(batch.time());
        String hostName = batch.host();
        if (addresses.size() > MAX_ADDRESSES) {
            addresses.clear();
        }
        int rows = 0;
        List<Flow> flows = batch.flows();
        if (!flows.isEmpty()) {
            if (sets.length < 2 * flows.size()) {
                sets = new int[2 * flows.size()];
            }
            DuckDBAppender[] tagAppender = new DuckDBAppender[1];
            try {
                for (int i = 0; i < flows.size(); i++) {
                    Flow f = flows.get(i);
                    boolean incoming = f.direction() == Direction.INCOMING;
                    int local = localTagSet(f, hostName, tagAppender);
                    int remote = tagSet(f.remoteTags(), tagAppender);
                    sets[2 * i] = incoming ? remote : local;
                    sets[2 * i + 1] = incoming ? local : remote;
                }
            } finally {
                if (tagAppender[0] != null) {
                    tagAppender[0].close();
                }
            }
            try (DuckDBAppender ap = connection.createAppender("main", "flows")) {
                for (int i = 0; i < flows.size(); i++) {
                    appendFlow(ap, flows.get(i), ts, sets[2 * i], sets[2 * i + 1]);
                    rows++;
                }
            }
        }
        if (!batch.dns().isEmpty()) {
            try (DuckDBAppender ap = connection.createAppender("main", "dns")) {
                for (DnsStats d : batch.dns()) {
                    appendDns(ap, d, ts, hostName);
                    rows++;
                }
            }
        }
        return rows;
    }

    /**
     * @return the id of a flow's local tag set with {@code host} and {@code process} added, without
     *         building that set again when the same local tags, host and process were seen before
     */
    private int localTagSet(Flow f, String host, DuckDBAppender[] ap) throws SQLException {
        LocalKey key = new LocalKey(f.localTags(), host, f.process());
        Integer id = localSets.get(key);
        if (id == null) {
            id = tagSet(localTags(f, host), ap);
            localSets.put(key, id);
        }
        return id;
    }

    /** @return the text of an address, formatted once while it stays in {@link #addresses} */
    private String text(IpAddress address) {
        String text = addresses.get(address);
        if (text == null) {
            text = address.toString();
            addresses.put(address, text);
        }
        return text;
    }

    private void appendFlow(DuckDBAppender ap, Flow f, long ts, int srcTags, int dstTags) throws SQLException {
        boolean incoming = f.direction() == Direction.INCOMING;
        ConnectionStats d = f.delta();
        String localIp = text(f.key().localAddress());
        String remoteIp = text(f.key().remoteAddress());
        String domain = incoming || f.dnsNames().isEmpty() ? null : f.dnsNames().get(0);
        long reset = 0;
        long timeout = 0;
        long refused = 0;
        long other = 0;
        Map<Integer, Long> failures = d.tcpFailures();
        if (!failures.isEmpty()) {
            for (Map.Entry<Integer, Long> e : failures.entrySet()) {
                switch (e.getKey()) {
                    case RESET -> reset += e.getValue();
                    case TIMEOUT -> timeout += e.getValue();
                    case REFUSED -> refused += e.getValue();
                    default -> other += e.getValue();
                }
            }
        }
        ap.beginRow().appendEpochMicros(ts).append(f.key().protocol().label())
                .append(f.direction().label())
                .append(incoming ? remoteIp : localIp).append(incoming ? f.key().remotePort() : f.key().localPort())
                .append(incoming ? localIp : remoteIp).append(incoming ? f.key().localPort() : f.key().remotePort())
                .append(domain).append(TrafficClass.of(f).label())
                .append(incoming ? d.bytesReceived() : d.bytesSent()).append(incoming ? d.bytesSent() : d.bytesReceived())
                .append(incoming ? d.packetsReceived() : d.packetsSent())
                .append(incoming ? d.packetsSent() : d.packetsReceived())
                .append(d.retransmits()).append(d.rttMicros()).append(d.tcpEstablished()).append(d.tcpClosed())
                .append(reset).append(timeout).append(refused).append(other).append(srcTags).append(dstTags)
                .endRow();
    }

    private static TagSet localTags(Flow f, String host) {
        List<Tag> extra = new ArrayList<>(2);
        if (f.localTags().get("host") == null) {
            extra.add(new Tag("host", host));
        }
        if (!f.process().isEmpty() && f.localTags().get("process") == null) {
            extra.add(new Tag("process", f.process()));
        }
        return extra.isEmpty() ? f.localTags() : f.localTags().with(TagSet.of(extra));
    }

    private static void appendDns(DuckDBAppender ap, DnsStats d, long ts, String host) throws SQLException {
        Map<String, Long> rc = d.rcodes();
        long noerror = rc.getOrDefault("NOERROR", 0L);
        long nxdomain = rc.getOrDefault("NXDOMAIN", 0L);
        long servfail = rc.getOrDefault("SERVFAIL", 0L);
        long total = 0;
        for (long v : rc.values()) {
            total += v;
        }
        ap.beginRow().appendEpochMicros(ts).append(host).append(d.client().toString()).append(d.server().toString())
                .append(d.domain()).append(d.queryType()).append(d.queries()).append(d.timeouts())
                .append(noerror).append(nxdomain).append(servfail).append(total - noerror - nxdomain - servfail)
                .append(d.latencySumMicros()).append(d.latencyP50Micros()).append(d.latencyP99Micros());
        for (DnsLatency l : new DnsLatency[] {d.successLatency(), d.failureLatency()}) {
            ap.append(l.count()).append(l.sumMicros()).append(l.p50Micros()).append(l.p99Micros());
        }
        ap.endRow();
    }
}
