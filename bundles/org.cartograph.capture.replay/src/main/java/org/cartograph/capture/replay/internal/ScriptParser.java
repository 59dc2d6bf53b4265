package org.cartograph.capture.replay.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cartograph.capture.CaptureException;
import org.cartograph.flow.Direction;
import org.cartograph.flow.Family;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads and validates a replay script (format in the bundle's README.md). Every problem is a
 * {@link CaptureException} naming the file, the step ({@code steps[i]}, counted from 0) and the
 * field. Stateless; safe to use from any thread.
 */
final class ScriptParser {

    private static final Set<String> TOP_FIELDS = Set.of("steps", "repeat");
    private static final Set<String> STEP_FIELDS = Set.of("open", "close");
    private static final Set<String> ENTRY_FIELDS = Set.of("id", "protocol", "laddr", "lport", "raddr", "rport",
            "netns", "pid", "process", "cgroup", "direction", "cookie", "preexisting", "bytes_sent", "bytes_received",
            "packets_sent", "packets_received", "retransmits", "rtt_us", "rtt_var_us", "established", "closed",
            "failure_errno");
    private static final IpAddress UNSPECIFIED_V4 = IpAddress.ofV4(0);
    private static final IpAddress UNSPECIFIED_V6 = new IpAddress(0, 0);
    private static final int MAX_PORT = 0xFFFF;

    private ScriptParser() {
    }

    /**
     * @param file the script
     * @return the validated script
     * @throws CaptureException if the file cannot be read, is not YAML or breaks the format
     */
    static Script parse(Path file) throws CaptureException {
        String name = "replay script " + file;
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(reader);
        } catch (IOException e) {
            throw new CaptureException(name + " cannot be read: " + e, e);
        } catch (YAMLException e) {
            throw new CaptureException(name + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new CaptureException(name + " must be a mapping with 'steps' (and optionally 'repeat'), was "
                    + (root == null ? "empty" : Fields.describe(root)));
        }
        Fields fields = new Fields(top, name);
        fields.requireKnown(TOP_FIELDS);
        boolean repeat = fields.bool("repeat", false);
        if (!(fields.raw("steps") instanceof List<?> rawSteps)) {
            throw fields.error("steps", "required, a list of steps, was "
                    + (fields.has("steps") ? Fields.describe(fields.raw("steps")) : "missing"));
        }
        List<Script.Step> steps = new ArrayList<>(rawSteps.size());
        Map<String, Counters> maxima = new HashMap<>();
        for (int i = 0; i < rawSteps.size(); i++) {
            Script.Step step = step(rawSteps.get(i), name + ", steps[" + i + "]", repeat);
            steps.add(step);
            for (ScriptEntry e : step.open()) {
                maxima.merge(e.group(), e.counters(), Counters::max);
            }
            for (ScriptEntry e : step.close()) {
                maxima.merge(e.group(), e.counters(), Counters::max);
            }
        }
        return new Script(file, List.copyOf(steps), repeat, Map.copyOf(maxima));
    }

    private static Script.Step step(Object raw, String where, boolean repeat) throws CaptureException {
        if (raw == null) {
            return new Script.Step(List.of(), List.of());
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw new CaptureException(where + " must be a mapping with 'open' and/or 'close', was "
                    + Fields.describe(raw));
        }
        Fields fields = new Fields(map, where);
        fields.requireKnown(STEP_FIELDS);
        return new Script.Step(entries(fields, "open", where, repeat), entries(fields, "close", where, repeat));
    }

    private static List<ScriptEntry> entries(Fields step, String list, String where, boolean repeat)
            throws CaptureException {
        Object raw = step.raw(list);
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> items)) {
            throw step.error(list, "must be a list of connections, was " + Fields.describe(raw));
        }
        List<ScriptEntry> entries = new ArrayList<>(items.size());
        for (int j = 0; j < items.size(); j++) {
            String place = where + "." + list + "[" + j + "]";
            if (!(items.get(j) instanceof Map<?, ?> map)) {
                throw new CaptureException(place + " must be a mapping of connection fields, was "
                        + Fields.describe(items.get(j)));
            }
            Object id = map.get("id");
            entries.add(entry(new Fields(map, id == null ? place : place + " (id " + id + ")"),
                    list.equals("close"), repeat));
        }
        return List.copyOf(entries);
    }

    /** @return {@code ::} when the other end is IPv6, else {@code 0.0.0.0} */
    private static IpAddress unspecifiedLike(IpAddress otherEnd) {
        return otherEnd != null && otherEnd.family() == Family.V6 ? UNSPECIFIED_V6 : UNSPECIFIED_V4;
    }

    private static ScriptEntry entry(Fields f, boolean closing, boolean repeat) throws CaptureException {
        f.requireKnown(ENTRY_FIELDS);
        String id = f.text("id", "");
        Protocol protocol = f.choice("protocol", Protocol.class, Protocol.TCP);
        IpAddress givenLocal = f.address("laddr", null);
        IpAddress givenRemote = f.address("raddr", null);
        IpAddress local = givenLocal != null ? givenLocal : unspecifiedLike(givenRemote);
        IpAddress remote = givenRemote != null ? givenRemote : unspecifiedLike(givenLocal);
        if (remote.family() != local.family()) {
            throw f.error("raddr", "family " + remote.family().label() + " does not match laddr's "
                    + local.family().label());
        }
        int localPort = (int) f.number("lport", 0, MAX_PORT);
        int remotePort = (int) f.number("rport", 0, MAX_PORT);
        long netns = f.number("netns", 0, Long.MAX_VALUE);
        long cookie = f.number("cookie", 0, Long.MAX_VALUE);
        if (repeat && cookie >= Script.COOKIE_STRIDE) {
            throw f.error("cookie", "must be at most " + (Script.COOKIE_STRIDE - 1) + " when repeat is true, since"
                    + " each repetition adds " + Script.COOKIE_STRIDE + "; was " + cookie);
        }
        String group = id.isEmpty()
                ? protocol.label() + " " + local + ":" + localPort + " -> " + remote + ":" + remotePort + " " + netns
                : id;
        Counters counters = new Counters(f.number("bytes_sent", 0, Long.MAX_VALUE),
                f.number("bytes_received", 0, Long.MAX_VALUE), f.number("packets_sent", 0, Long.MAX_VALUE),
                f.number("packets_received", 0, Long.MAX_VALUE), f.number("retransmits", 0, Long.MAX_VALUE));
        return new ScriptEntry(id, group, cookie, protocol, local, localPort, remote, remotePort, netns,
                (int) f.number("pid", 0, Integer.MAX_VALUE), f.text("process", ""),
                f.number("cgroup", 0, Long.MAX_VALUE), f.choice("direction", Direction.class, Direction.NONE),
                f.bool("preexisting", false), counters, (int) f.number("rtt_us", 0, Integer.MAX_VALUE),
                (int) f.number("rtt_var_us", 0, Integer.MAX_VALUE), f.flag("established", 0),
                f.flag("closed", closing ? 1 : 0), (int) f.number("failure_errno", 0, Integer.MAX_VALUE));
    }
}
