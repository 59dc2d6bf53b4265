package org.cartograph.sink.prometheus.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.cartograph.enrich.TagSet;
import org.cartograph.flow.Flow;

/**
 * Which Prometheus labels a flow gets and where their values come from. Parsed from the
 * configuration's {@code labels} entries, each {@code NAME=SOURCE|SOURCE|...}: the first source
 * that has a value wins, and a label with no value at all is empty. A source is a tag of one end
 * ({@code local.TAG}, {@code remote.TAG}) or a property of the flow ({@code flow.protocol},
 * {@code flow.direction}, {@code flow.family}, {@code flow.process}, {@code flow.remote_dns},
 * {@code flow.remote_address}, {@code flow.local_address}). Ports and pids are never offered,
 * and tags that name one ({@code pid}, {@code port}, {@code *_pid}, {@code *_port}) are refused:
 * they would make a series per connection. Immutable and thread-safe.
 */
final class LabelSpec {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> RESERVED = Set.of("le", "quantile", "cause", "job", "instance");
    private static final Set<String> FLOW_SOURCES = Set.of("protocol", "direction", "family", "process",
            "remote_dns", "remote_address", "local_address");

    /** One place a value can come from. */
    private record Source(char scope, String name) {
    }

    private final List<String> names;
    private final Source[][] sources;

    private LabelSpec(List<String> names, Source[][] sources) {
        this.names = List.copyOf(names);
        this.sources = sources;
    }

    /**
     * @param entries {@code NAME=SOURCE|SOURCE|...} entries; none means no label (one series per metric)
     * @return the parsed specification
     * @throws IllegalArgumentException naming the entry that is malformed, duplicated or names a port or pid
     */
    static LabelSpec parse(String[] entries) {
        String[] all = entries == null ? new String[0]
                : Arrays.stream(entries).filter(e -> e != null && !e.isBlank()).toArray(String[]::new);
        List<String> names = new ArrayList<>(all.length);
        Source[][] sources = new Source[all.length][];
        for (int i = 0; i < all.length; i++) {
            String entry = all[i].strip();
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__") || RESERVED.contains(name)) {
                throw new IllegalArgumentException("labels: '" + entry + "' must be NAME=SOURCE|SOURCE... with a"
                        + " Prometheus label name other than " + RESERVED + " and not starting with __");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("labels: label '" + name + "' is given twice");
            }
            String[] parts = entry.substring(eq + 1).split("\\|");
            sources[i] = new Source[parts.length];
            for (int j = 0; j < parts.length; j++) {
                sources[i][j] = source(entry, parts[j].strip());
            }
            names.add(name);
        }
        return new LabelSpec(names, sources);
    }

    private static Source source(String entry, String text) {
        int dot = text.indexOf('.');
        String scope = dot < 0 ? "" : text.substring(0, dot);
        String name = dot < 0 ? "" : text.substring(dot + 1);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("pid") || lower.equals("port") || lower.endsWith("_pid") || lower.endsWith("_port")) {
            throw new IllegalArgumentException("labels: '" + entry + "' names a port or pid ('" + text
                    + "'): that would make one series per connection");
        }
        switch (scope) {
            case "local", "remote" -> {
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("labels: '" + entry + "': '" + text + "' names no tag");
                }
                return new Source(scope.charAt(0), name);
            }
            case "flow" -> {
                if (!FLOW_SOURCES.contains(name)) {
                    throw new IllegalArgumentException("labels: '" + entry + "': unknown flow property '" + name
                            + "', known: " + FLOW_SOURCES);
                }
                return new Source('f', name);
            }
            default -> throw new IllegalArgumentException("labels: '" + entry + "': source '" + text
                    + "' must be local.TAG, remote.TAG or flow.PROPERTY");
        }
    }

    /** @return the label names, in order */
    List<String> names() {
        return names;
    }

    /** @return how many labels there are */
    int size() {
        return names.size();
    }

    /**
     * @param flow a flow
     * @param into receives the label values, in {@link #names()} order; {@code ""} where nothing matched
     */
    void values(Flow flow, String[] into) {
        for (int i = 0; i < sources.length; i++) {
            String value = null;
            for (Source s : sources[i]) {
                value = value(flow, s);
                if (value != null && !value.isEmpty()) {
                    break;
                }
            }
            into[i] = value == null ? "" : value;
        }
    }

    private static String value(Flow flow, Source s) {
        return switch (s.scope()) {
            case 'l' -> tag(flow.localTags(), s.name());
            case 'r' -> tag(flow.remoteTags(), s.name());
            default -> switch (s.name()) {
                case "protocol" -> flow.key().protocol().label();
                case "direction" -> flow.direction().label();
                case "family" -> flow.key().family().label();
                case "process" -> flow.process();
                case "remote_dns" -> flow.dnsNames().isEmpty() ? null : flow.dnsNames().getFirst();
                case "remote_address" -> flow.key().remoteAddress().toString();
                case "local_address" -> flow.key().localAddress().toString();
                default -> null;
            };
        };
    }

    private static String tag(TagSet tags, String name) {
        return tags.isEmpty() ? null : tags.get(name);
    }
}
