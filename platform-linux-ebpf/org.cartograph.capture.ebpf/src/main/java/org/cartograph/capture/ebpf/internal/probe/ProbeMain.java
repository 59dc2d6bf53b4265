package org.cartograph.capture.ebpf.internal.probe;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureSettings;
import org.cartograph.capture.ClosedConnectionBuffer;
import org.cartograph.capture.ebpf.internal.EbpfBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture probe: the eBPF backend in a process of its own, without the OSGi runtime, serving
 * one agent over a Unix socket (like Datadog's system-probe). Only this process needs the
 * kernel privileges of eBPF capture. Started by {@code bin/cartograph probe}; a TERM or INT
 * signal detaches every program and removes the socket.
 */
public final class ProbeMain {

    /** Where the probe listens unless told otherwise. */
    public static final String DEFAULT_SOCKET = "/run/cartograph/probe.sock";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeMain.class);
    private static final String USAGE = """
            usage: probe [--socket PATH] [--socket-group GROUP] [--max-tracked-connections N]
                         [--hooks auto|tp_btf|tracepoint] [--drain-interval-ms N] [--no-preexisting] [--queue N]""";

    /** The probe's options. */
    record Options(Path socket, String group, int maxTracked, String hooks, int drainMillis, boolean preexisting,
                   int queue) {

        static Options parse(String... args) {
            Path socket = Path.of(DEFAULT_SOCKET);
            String group = "";
            int maxTracked = 0;
            String hooks = "auto";
            int drain = 100;
            boolean preexisting = true;
            int queue = 16_384;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--no-preexisting" -> preexisting = false;
                    case "--socket" -> socket = Path.of(value(args, ++i, a));
                    case "--socket-group" -> group = value(args, ++i, a);
                    case "--hooks" -> hooks = value(args, ++i, a);
                    case "--max-tracked-connections" -> maxTracked = number(args, ++i, a, 0);
                    case "--drain-interval-ms" -> drain = number(args, ++i, a, 10);
                    case "--queue" -> queue = number(args, ++i, a, Frames.RECORDS_PER_FRAME);
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
                }
            }
            if (!hooks.equals("auto") && !hooks.equals("tp_btf") && !hooks.equals("tracepoint")) {
                throw new IllegalArgumentException("--hooks must be auto, tp_btf or tracepoint, not " + hooks);
            }
            return new Options(socket, group, maxTracked, hooks, drain, preexisting, queue);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            return args[i];
        }

        private static int number(String[] args, int i, String option, int min) {
            String v = value(args, i, option);
            try {
                int n = Integer.parseInt(v);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " must be an integer of at least " + min + ", not " + v);
        }
    }

    /** The eBPF backend's configuration from the options. */
    private record BackendConfig(String hooks, int drain_interval_ms, boolean preexisting) implements EbpfBackend.Config {
        @Override
        public Class<? extends Annotation> annotationType() {
            return EbpfBackend.Config.class;
        }
    }

    /** The capture context the probe gives the backend. */
    private record Context(CaptureSettings settings, ClosedQueue queue) implements CaptureContext {
        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public ClosedConnectionBuffer closedConnections() {
            return queue;
        }
    }

    private ProbeMain() {
    }

    /** @param args see the usage text */
    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("cartograph probe: " + e.getMessage());
            System.exit(2);
            return;
        }
        Running probe;
        try {
            probe = serve(options);
        } catch (IOException e) {
            System.err.println("cartograph probe: cannot listen on " + options.socket() + ": " + e.getMessage());
            System.exit(1);
            return;
        } catch (CaptureException e) {
            System.err.println("cartograph probe: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            probe.close();
            stopped.countDown();
        }, "cartograph-probe-shutdown"));
        stopped.await();
    }

    /** A serving probe: closing it stops serving, detaches every program and removes the socket. */
    record Running(ProbeServer server, EbpfBackend backend) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            backend.close();
        }
    }

    /**
     * Binds the socket (refusing if another probe answers there), loads and starts the backend,
     * and serves.
     *
     * @throws IOException if the socket cannot be bound; nothing was loaded
     * @throws CaptureException if the backend cannot load; the socket is removed again
     */
    static Running serve(Options options) throws IOException, CaptureException {
        EbpfBackend backend = new EbpfBackend(new BackendConfig(options.hooks(), options.drainMillis(),
                options.preexisting()));
        ClosedQueue queue = new ClosedQueue(options.queue());
        CaptureSettings settings = new CaptureSettings(options.maxTracked(), options.queue(), true, true, true,
                Duration.ofSeconds(10));
        ProbeServer server = ProbeServer.bind(options.socket(), options.group(), backend, queue);
        try {
            backend.open(new Context(settings, queue));
            backend.start();
        } catch (CaptureException | RuntimeException e) {
            backend.close();
            server.close();
            throw e;
        }
        server.start();
        LOG.info("Capture probe serving {} on {}", backend.status().variant(), options.socket());
        return new Running(server, backend);
    }
}
