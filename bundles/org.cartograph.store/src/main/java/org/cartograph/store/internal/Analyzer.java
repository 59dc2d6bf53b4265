package org.cartograph.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dependency and outage detectors. Each run compares a detection window {@code (now-W, now]}
 * with the baseline window just before it {@code (now-W-B, now-W]}:
 * <ul>
 * <li>an edge (source node → destination node) in the detection window and not in the baseline is
 * a {@code new_dependency}, once the store holds data from before the detection window (no event
 * while it is still learning) and unless it was already reported within {@code W+B};</li>
 * <li>an edge in the baseline and not in the detection window is a {@code dependency_stopped};</li>
 * <li>a destination whose connection failures (resets, timeouts, refusals) in the detection window
 * are at least {@code minFailures}, at least {@code minRate} of its attempts and at least
 * {@code factor} times its baseline failure rate is an {@code outage_suspected}, with the numbers
 * as evidence; it is {@code outage_resolved} once its failure rate falls under half of
 * {@code minRate} with at least {@code minFailures} attempts. DNS domains are judged the same way
 * on SERVFAIL and timeouts per query.</li>
 * </ul>
 * Nothing is reported while the store is still learning: before it holds data older than the
 * detection window. Runs on the store's thread.
 */
final class Analyzer {

    /**
     * The detectors' thresholds.
     *
     * @param window      the detection window
     * @param baseline    the baseline window
     * @param minFailures failures needed for an outage
     * @param minRate     failure rate needed for an outage
     * @param factor      how many times the baseline rate is needed
     */
    record Settings(Duration window, Duration baseline, long minFailures, double minRate, double factor) {
    }

    /** Failures and attempts of one destination in one window. */
    private record Sample(long attempts, long failures, Map<String, Long> causes, double retransmitRate, double rttP95) {
        double rate() {
            return attempts == 0 ? 0 : (double) failures / attempts;
        }
    }

    private final AggregateQuery fields;
    private final Settings settings;

    Analyzer(AggregateQuery fields, Settings settings) {
        this.fields = fields;
        this.settings = settings;
    }

    /**
     * Runs the detectors and stores what they find.
     *
     * @param c   the writer's connection
     * @param now the end of the detection window
     * @return the new events, also written to the {@code events} table
     * @throws SQLException on a database error
     */
    List<Event> run(Connection c, Instant now) throws SQLException {
        Instant split = now.minus(settings.window());
        Instant start = split.minus(settings.baseline());
        List<Event> events = new ArrayList<>();
        if (learned(c, split)) {
            dependencies(c, start, split, now, events);
            outages(c, start, split, now, events);
        }
        for (Event e : events) {
            EventLog.append(c, e);
        }
        return events;
    }

    private static boolean learned(Connection c, Instant split) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) > 0 FROM flows WHERE ts <= make_timestamp(?::BIGINT)")) {
            ps.setLong(1, Times.micros(split));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void dependencies(Connection c, Instant start, Instant split, Instant now, List<Event> out)
            throws SQLException {
        Columns tags = new Columns();
        String edges = "SELECT " + fields.node("src", tags) + " AS s, " + fields.node("dst", tags) + " AS d, ts, bytes_out + bytes_in AS b,"
                + " established AS e FROM " + tags.from() + " WHERE ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT)";
        String sql = "WITH cur AS (SELECT s, d, min(ts) AS first_ts, max(ts) AS last_ts, sum(b) AS bytes, sum(e) AS conns, 1 AS w"
                + " FROM (" + edges + ") GROUP BY s, d),"
                + " base AS (SELECT s, d, min(ts) AS first_ts, max(ts) AS last_ts, sum(b) AS bytes, sum(e) AS conns, 0 AS w"
                + " FROM (" + edges + ") GROUP BY s, d)"
                + " SELECT s, d, epoch_us(first_ts), epoch_us(last_ts), CAST(bytes AS BIGINT), CAST(conns AS BIGINT), w FROM cur"
                + " WHERE NOT EXISTS (SELECT 1 FROM base WHERE base.s = cur.s AND base.d = cur.d)"
                + " AND NOT EXISTS (SELECT 1 FROM events ev WHERE ev.kind = 'new_dependency' AND ev.source = cur.s"
                + " AND ev.destination = cur.d AND ev.ts > make_timestamp(?::BIGINT))"
                + " UNION ALL SELECT s, d, epoch_us(first_ts), epoch_us(last_ts), CAST(bytes AS BIGINT), CAST(conns AS BIGINT), w FROM base"
                + " WHERE NOT EXISTS (SELECT 1 FROM cur WHERE base.s = cur.s AND base.d = cur.d)"
                + " AND NOT EXISTS (SELECT 1 FROM events ev WHERE ev.kind = 'dependency_stopped' AND ev.source = base.s"
                + " AND ev.destination = base.d AND ev.ts >= base.last_ts)"
                + " ORDER BY w DESC, s, d";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, Times.micros(split));
            ps.setLong(2, Times.micros(now));
            ps.setLong(3, Times.micros(start));
            ps.setLong(4, Times.micros(split));
            ps.setLong(5, Times.micros(start));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String s = rs.getString(1);
                    String d = rs.getString(2);
                    Map<String, Object> ev = new LinkedHashMap<>();
                    ev.put("first_seen", Times.instant(rs.getLong(3)).toString());
                    ev.put("last_seen", Times.instant(rs.getLong(4)).toString());
                    ev.put("bytes", rs.getLong(5));
                    ev.put("connections", rs.getLong(6));
                    boolean isNew = rs.getInt(7) == 1;
                    ev.put("window_s", isNew ? settings.window().toSeconds() : settings.baseline().toSeconds());
                    String msg = isNew
                            ? "new dependency " + s + " -> " + d + ": first seen " + ev.get("first_seen")
                                    + ", not seen in the " + settings.baseline().toSeconds() + " s before"
                            : "dependency " + s + " -> " + d + " stopped: last seen " + ev.get("last_seen")
                                    + ", not seen in the last " + settings.window().toSeconds() + " s";
                    out.add(new Event(now, isNew ? Event.NEW_DEPENDENCY : Event.DEPENDENCY_STOPPED, s, d, msg, ev));
                }
            }
        }
    }

    private void outages(Connection c, Instant start, Instant split, Instant now, List<Event> out) throws SQLException {
        Map<String, Sample[]> samples = new TreeMap<>();
        Columns tags = new Columns();
        String flows = "SELECT " + fields.node("dst", tags) + " AS d, ts > make_timestamp(?::BIGINT) AS cur,"
                + " CAST(sum(established) + sum(fail_reset + fail_timeout + fail_refused + fail_other) AS BIGINT),"
                + " CAST(sum(fail_reset + fail_timeout + fail_refused + fail_other) AS BIGINT),"
                + " CAST(sum(fail_reset) AS BIGINT), CAST(sum(fail_timeout) AS BIGINT), CAST(sum(fail_refused) AS BIGINT),"
                + " CAST(sum(retransmits) AS DOUBLE) / nullif(sum(packets_out), 0),"
                + " quantile_cont(CASE WHEN rtt_us > 0 THEN rtt_us END, 0.95)"
                + " FROM " + tags.from() + " WHERE ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT) GROUP BY d, cur";
        try (PreparedStatement ps = c.prepareStatement(flows)) {
            bindWindows(ps, start, split, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Long> causes = new LinkedHashMap<>();
                    causes.put("reset", rs.getLong(5));
                    causes.put("timeout", rs.getLong(6));
                    causes.put("refused", rs.getLong(7));
                    put(samples, "flow:" + rs.getString(1), rs.getBoolean(2),
                            new Sample(rs.getLong(3), rs.getLong(4), causes, rs.getDouble(8), rs.getDouble(9)));
                }
            }
        }
        String dns = "SELECT domain, ts > make_timestamp(?::BIGINT) AS cur, CAST(sum(queries) AS BIGINT),"
                + " CAST(sum(servfail + timeouts) AS BIGINT), CAST(sum(servfail) AS BIGINT), CAST(sum(timeouts) AS BIGINT),"
                + " CAST(sum(nxdomain) AS BIGINT)"
                + " FROM dns WHERE ts > make_timestamp(?::BIGINT) AND ts <= make_timestamp(?::BIGINT) GROUP BY domain, cur";
        try (PreparedStatement ps = c.prepareStatement(dns)) {
            bindWindows(ps, start, split, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Long> causes = new LinkedHashMap<>();
                    causes.put("servfail", rs.getLong(5));
                    causes.put("timeout", rs.getLong(6));
                    causes.put("nxdomain", rs.getLong(7));
                    put(samples, "dns:" + rs.getString(1), rs.getBoolean(2),
                            new Sample(rs.getLong(3), rs.getLong(4), causes, 0, 0));
                }
            }
        }
        Map<String, String> open = openOutages(c);
        for (Map.Entry<String, Sample[]> e : samples.entrySet()) {
            String signal = e.getKey().substring(0, e.getKey().indexOf(':'));
            String dest = e.getKey().substring(signal.length() + 1);
            Sample cur = e.getValue()[1];
            Sample base = e.getValue()[0] == null ? new Sample(0, 0, Map.of(), 0, 0) : e.getValue()[0];
            if (cur == null) {
                continue;
            }
            boolean isOpen = open.containsKey(dest);
            if (!isOpen && cur.failures() >= settings.minFailures() && cur.rate() >= settings.minRate()
                    && cur.rate() >= settings.factor() * base.rate()) {
                out.add(event(now, Event.OUTAGE_SUSPECTED, signal, dest, cur, base));
                open.put(dest, signal);
            } else if (isOpen && signal.equals(open.get(dest)) && cur.attempts() >= settings.minFailures()
                    && cur.rate() < settings.minRate() / 2) {
                out.add(event(now, Event.OUTAGE_RESOLVED, signal, dest, cur, base));
                open.remove(dest);
            }
        }
    }

    private static void put(Map<String, Sample[]> samples, String key, boolean current, Sample s) {
        samples.computeIfAbsent(key, k -> new Sample[2])[current ? 1 : 0] = s;
    }

    private void bindWindows(PreparedStatement ps, Instant start, Instant split, Instant now) throws SQLException {
        ps.setLong(1, Times.micros(split));
        ps.setLong(2, Times.micros(start));
        ps.setLong(3, Times.micros(now));
    }

    /** @return destinations whose latest outage event is a suspicion, with the signal that raised it */
    private static Map<String, String> openOutages(Connection c) throws SQLException {
        Map<String, String> open = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT destination, arg_max(kind, ts), arg_max(evidence, ts)"
                + " FROM events WHERE kind IN ('outage_suspected', 'outage_resolved') GROUP BY destination");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (Event.OUTAGE_SUSPECTED.equals(rs.getString(2))) {
                    open.put(rs.getString(1), rs.getString(3).contains("\"signal\":\"dns\"") ? "dns" : "flow");
                }
            }
        }
        return open;
    }

    private Event event(Instant now, String kind, String signal, String dest, Sample cur, Sample base) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("signal", signal);
        ev.put("attempts", cur.attempts());
        ev.put("failures", cur.failures());
        ev.put("failure_rate", cur.rate());
        ev.put("baseline_attempts", base.attempts());
        ev.put("baseline_failure_rate", base.rate());
        ev.put("window_s", settings.window().toSeconds());
        ev.put("baseline_s", settings.baseline().toSeconds());
        cur.causes().forEach((k, v) -> ev.put("failures_" + k, v));
        if (signal.equals("flow")) {
            ev.put("retransmit_rate", cur.retransmitRate());
            ev.put("baseline_retransmit_rate", base.retransmitRate());
            ev.put("rtt_p95_us", cur.rttP95());
            ev.put("baseline_rtt_p95_us", base.rttP95());
        }
        String what = signal.equals("dns") ? "queries" : "connection attempts";
        String msg = String.format(Locale.ROOT, "%s for %s: %.0f%% of %d %s failed (%s) in the last %d s, against %.0f%% of %d in the %d s before",
                kind.equals(Event.OUTAGE_SUSPECTED) ? "outage suspected" : "outage resolved", dest, cur.rate() * 100,
                cur.attempts(), what, causes(cur.causes()), settings.window().toSeconds(), base.rate() * 100,
                base.attempts(), settings.baseline().toSeconds());
        return new Event(now, kind, "", dest, msg, ev);
    }

    private static String causes(Map<String, Long> causes) {
        StringBuilder sb = new StringBuilder();
        causes.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
