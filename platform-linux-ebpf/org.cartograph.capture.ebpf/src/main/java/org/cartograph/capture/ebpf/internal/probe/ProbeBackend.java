package org.cartograph.capture.ebpf.internal.probe;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Capture through a probe process ({@link ProbeMain}): the eBPF backend runs there, with the
 * kernel privileges, and this backend reads its connections over a Unix socket. Preferred over
 * the in-process eBPF backend of the same group when configured; if the probe cannot be reached,
 * the core falls back to the next backend of the group and tries the probe again each interval.
 * A lost connection is reopened at the next snapshot.
 */
@Component(configurationPid = ProbeBackend.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = CaptureBackend.class)
@Designate(ocd = ProbeBackend.Config.class)
public final class ProbeBackend implements CaptureBackend {

    /** The configuration PID; a configuration turns this backend on. */
    public static final String PID = "org.cartograph.capture.probe";
    /** The backend's name. */
    public static final String NAME = "probe";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeBackend.class);
    private static final Frames.Remote UNKNOWN = new Frames.Remote(Set.of(),
            new CaptureStatus(EbpfBackend.NAME, "unknown", false, List.of(), Map.of(), ""));

    /** Configuration of capture through a probe. */
    @ObjectClassDefinition(name = "Cartograph capture probe",
            description = "Reads connections from a capture probe process (bin/cartograph probe) over a Unix socket.")
    public @interface Config {

        /** @return the probe's socket */
        @AttributeDefinition(name = "Socket", description = "Unix socket the probe listens on.")
        String socket() default ProbeMain.DEFAULT_SOCKET;

        /** @return how long the probe may take to answer */
        @AttributeDefinition(name = "Timeout (ms)", description = "How long the probe may take to answer a request.",
                min = "100")
        int timeout_ms() default 10_000;
    }

    private final Path socket;
    private final Duration timeout;
    private final AtomicLong reconnects = new AtomicLong();
    private volatile ProbeConnection connection;
    private volatile Frames.Remote remote = UNKNOWN;
    private volatile boolean running;
    private volatile String message = "not connected";
    /** Confined to the core thread. */
    private CaptureContext context;

    /** @param config where the probe listens */
    @Activate
    public ProbeBackend(Config config) {
        this.socket = Path.of(config.socket());
        this.timeout = Duration.ofMillis(Math.max(100, config.timeout_ms()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String group() {
        return EbpfBackend.GROUP;
    }

    @Override
    public int preference() {
        return 200;
    }

    @Override
    public CaptureCapabilities capabilities() {
        return new CaptureCapabilities(remote.features());
    }

    @Override
    public void open(CaptureContext captureContext) throws CaptureException {
        if (connection != null) {
            return;
        }
        context = captureContext;
        try {
            connect();
        } catch (IOException e) {
            message = "no capture probe answers at " + socket + ": " + e.getMessage();
            throw new CaptureException(message + " (start one with: bin/cartograph probe)", e);
        }
    }

    private ProbeConnection connect() throws IOException {
        ProbeConnection c = ProbeConnection.open(socket, context.closedConnections(), timeout);
        c.deliver(running);
        remote = c.remote();
        connection = c;
        message = "connected to the probe at " + socket;
        LOG.info("Connected to the capture probe at {}: {}", socket, remote.status().variant());
        return c;
    }

    @Override
    public void start() throws CaptureException {
        ProbeConnection c = connection;
        if (c == null) {
            throw new CaptureException("capture probe backend is not open");
        }
        running = true;
        c.deliver(true);
    }

    @Override
    public void snapshot(ConnectionVisitor visitor) throws CaptureException {
        if (!running) {
            throw new CaptureException("capture probe backend is not started");
        }
        ProbeConnection c = connection;
        if (c == null || c.failure() != null) {
            if (c != null) {
                c.close();
            }
            try {
                c = connect();
                reconnects.incrementAndGet();
            } catch (IOException e) {
                connection = null;
                message = "the capture probe at " + socket + " is gone (" + e.getMessage() + "); retried each interval";
                throw new CaptureException(message, e);
            }
        }
        String error;
        try {
            error = c.snapshot(visitor, timeout);
        } catch (IOException e) {
            message = "lost the capture probe at " + socket + ": " + e.getMessage() + "; reconnecting next interval";
            throw new CaptureException(message, e);
        }
        Frames.Remote r = c.remote();
        remote = r;
        message = r.status().message();
        if (!error.isEmpty()) {
            throw new CaptureException("the probe could not read connections: " + error);
        }
    }

    @Override
    public void stop() {
        running = false;
        ProbeConnection c = connection;
        if (c != null) {
            c.deliver(false);
        }
    }

    @Override
    public void close() {
        stop();
        ProbeConnection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    @Override
    public CaptureStatus status() {
        CaptureStatus r = remote.status();
        ProbeConnection c = connection;
        boolean connected = c != null && c.failure() == null;
        String text = connected ? "probe at " + socket + ": " + r.message() : message;
        if (reconnects.get() > 0) {
            text = text + " (reconnected " + reconnects.get() + " times)";
        }
        return new CaptureStatus(NAME, "probe: " + r.variant(), running && connected, r.cannotSee(), r.dropsByCause(),
                text);
    }
}
