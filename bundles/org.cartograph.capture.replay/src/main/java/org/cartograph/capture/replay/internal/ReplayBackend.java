package org.cartograph.capture.replay.internal;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureFeature;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ConnectionVisitor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CaptureBackend} for tests: replays a YAML script (see the bundle's README.md) through
 * the real capture SPI, one step per {@link #snapshot}, so the core and the sinks run without a
 * kernel. Exists only while configured.
 *
 * <p>Each snapshot first offers the step's {@code close} entries to the context's
 * {@link ClosedConnectionBuffer} (refusals count as drops under {@value #DROP_CAUSE}), then visits
 * its {@code open} entries, all through one reused {@link ReplayView}. With {@code repeat: true}
 * the script starts over after its last step, offsetting counters and cookies so that every
 * repetition looks like new, monotonic connections.
 *
 * <p>{@code open}, {@code start}, {@code snapshot}, {@code stop} and {@code close} run on one core
 * thread at a time; {@link #status()} and {@link #capabilities()} may be called from any thread.
 */
@Component(configurationPid = ReplayBackend.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = CaptureBackend.class)
@Designate(ocd = ReplayBackend.Config.class)
public final class ReplayBackend implements CaptureBackend {

    /** The configuration PID. */
    public static final String PID = "org.cartograph.capture.replay";
    /** The backend's {@link #name()}. */
    public static final String NAME = "replay";
    /** The drop cause of closed connections the buffer refused. */
    public static final String DROP_CAUSE = "closed_buffer_full";

    private static final Logger LOG = LoggerFactory.getLogger(ReplayBackend.class);
    private static final CaptureCapabilities CAPABILITIES =
            new CaptureCapabilities(EnumSet.allOf(CaptureFeature.class));

    /** Configuration of the replay backend. */
    @ObjectClassDefinition(name = "Cartograph replay capture backend",
            description = "Replays connections from a YAML script instead of capturing them; for tests.")
    public @interface Config {

        /** @return the path of the YAML script */
        @AttributeDefinition(name = "Script", description = "Path of the YAML replay script.")
        String script();
    }

    /** What {@link #status()} shows; replaced as a whole. */
    private record Progress(int step, int steps, long repetition, boolean running, String message) {
    }

    private final Path file;
    private final ReplayView view = new ReplayView();
    private final AtomicLong drops = new AtomicLong();

    /** Confined to the core thread. */
    private Script script;
    /** Confined to the core thread. */
    private CaptureContext context;
    /** Confined to the core thread: the index of the next step. */
    private int next;
    /** Confined to the core thread: 0 on the first pass through the script. */
    private long repetition;
    /** Confined to the core thread. */
    private boolean finished;
    /** Written on the core thread, read from any thread. */
    private volatile Progress progress = new Progress(0, 0, 0, false, "");

    /**
     * @param config the backend's configuration
     * @throws IllegalArgumentException if no script is configured
     */
    @Activate
    public ReplayBackend(Config config) {
        String path = config.script() == null ? "" : config.script().strip();
        if (path.isEmpty()) {
            throw new IllegalArgumentException("script is required: the path of a YAML replay script");
        }
        this.file = Path.of(path);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return every {@link CaptureFeature}: a script can describe anything */
    @Override
    public CaptureCapabilities capabilities() {
        return CAPABILITIES;
    }

    /**
     * Reads and validates the whole script. Harmless when already open.
     *
     * @throws CaptureException naming the file, step and field of the first problem
     */
    @Override
    public void open(CaptureContext captureContext) throws CaptureException {
        if (script != null) {
            return;
        }
        Script loaded;
        try {
            loaded = ScriptParser.parse(file);
        } catch (CaptureException e) {
            progress = new Progress(0, 0, 0, false, e.getMessage());
            throw e;
        }
        script = loaded;
        context = captureContext;
        next = 0;
        repetition = 0;
        finished = false;
        publish(false, "loaded " + loaded.steps().size() + " steps" + (loaded.repeat() ? ", repeating" : ""));
        LOG.info("Replay backend loaded {}: {} steps, repeat {}", file, loaded.steps().size(), loaded.repeat());
    }

    /** @throws CaptureException if the backend is not open */
    @Override
    public void start() throws CaptureException {
        requireOpen();
        publish(true, progress.message());
        LOG.debug("Replay of {} started", file);
    }

    /**
     * Replays the next step: offers its closed connections, then visits its open ones. Once a
     * non-repeating script is finished, visits nothing.
     *
     * @throws CaptureException if the backend is not open and started
     */
    @Override
    public void snapshot(ConnectionVisitor visitor) throws CaptureException {
        Script s = requireOpen();
        if (!progress.running()) {
            throw new CaptureException("replay backend for " + file + " is not started");
        }
        Script.Step step = nextStep(s);
        if (step == null) {
            return;
        }
        ClosedConnectionBuffer closed = context.closedConnections();
        List<ScriptEntry> closing = step.close();
        for (int i = 0; i < closing.size(); i++) {
            ScriptEntry entry = closing.get(i);
            if (!closed.offer(view.show(entry, s.maxFor(entry), repetition))) {
                drops.incrementAndGet();
            }
        }
        List<ScriptEntry> open = step.open();
        for (int i = 0; i < open.size(); i++) {
            ScriptEntry entry = open.get(i);
            visitor.visit(view.show(entry, s.maxFor(entry), repetition));
        }
    }

    @Override
    public void stop() {
        if (progress.running()) {
            publish(false, progress.message());
            LOG.debug("Replay of {} stopped", file);
        }
    }

    @Override
    public void close() {
        if (script == null) {
            return;
        }
        publish(false, "closed");
        script = null;
        context = null;
        LOG.debug("Replay of {} closed", file);
    }

    @Override
    public CaptureStatus status() {
        Progress p = progress;
        long dropped = drops.get();
        return new CaptureStatus(NAME, "script " + file + " step " + p.step() + "/" + p.steps(), p.running(),
                List.of(), dropped == 0 ? Map.of() : Map.of(DROP_CAUSE, dropped), p.message());
    }

    /** @return the step to replay now, or null when a non-repeating script is finished */
    private Script.Step nextStep(Script s) {
        int count = s.steps().size();
        if (next == count) {
            if (!s.repeat() || count == 0) {
                if (!finished) {
                    finished = true;
                    publish(true, "script finished after " + count + " steps");
                    LOG.info("Replay script {} finished after {} steps", file, count);
                }
                return null;
            }
            next = 0;
            repetition++;
        }
        Script.Step step = s.steps().get(next++);
        publish(true, repetition == 0 ? "replaying" : "replaying, repetition " + repetition);
        return step;
    }

    private Script requireOpen() throws CaptureException {
        if (script == null) {
            throw new CaptureException("replay backend for " + file + " is not open");
        }
        return script;
    }

    private void publish(boolean running, String message) {
        Script s = script;
        progress = new Progress(next, s == null ? 0 : s.steps().size(), repetition, running, message);
    }
}
