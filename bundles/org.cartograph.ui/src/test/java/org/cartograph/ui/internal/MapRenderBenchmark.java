package org.cartograph.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.cartograph.store.internal.QueryServlet;
import org.cartograph.store.internal.Scenario;
import org.cartograph.store.internal.StoreSink;
import org.cartograph.store.internal.TestServer;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Benchmark (not a test): the map with 500 nodes and 2,000 edges in headless Chromium, target ≤ 2 s
 * from navigation start to the first frame of the graph. In one run it reports:
 * <ol>
 * <li>browser start: chromedriver, Chromium and the WebDriver session, then the first navigation
 * (to {@code about:blank}); not part of rendering the map;</li>
 * <li>the cold first load: a fresh tab with an empty HTTP cache in the running browser, against a
 * server JVM whose store has ingested the graph but never answered a query (the agent just started);</li>
 * <li>the same in another fresh tab with an empty cache, the server now warm: what the browser's own
 * cold start costs;</li>
 * <li>warm loads: the same tab navigated again, the browser's cache kept (median of several).</li>
 * </ol>
 * Each load is broken into phases (see {@link LoadTimings}); the query's server time is measured
 * around the query servlet. The last map is saved to {@code target/screenshots/map-500-nodes.png}.
 */
public final class MapRenderBenchmark {

    private static final int WARM_LOADS = 7;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private MapRenderBenchmark() {
    }

    /**
     * @param args ignored
     * @throws Exception if the store, server or browser fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cartograph-map-bench");
        StoreSink store = new StoreSink(Scenario.config(dir.toString()));
        Scenario s = new Scenario();
        for (int i = 0; i < 2000; i++) {
            int src = i % 500;
            int dst = (src + 1 + i / 500) % 500;
            s.flow("svc-" + src, "us-east-1a", "svc-" + dst, "us-east-1a", "10.2." + (dst / 250) + "." + (dst % 250),
                    1000 + i, 2000, 200, 1, Map.of());
        }
        store.deliver(s.batch(1)).toCompletableFuture().join();
        TimedServlet query = new TimedServlet(new QueryServlet(store, TestServer.security()));
        try (TestServer server = new TestServer(Map.of("/api/v1/*", query, "/", new UiServlet(TestServer.security())))) {
            String url = server.uri() + "/?from=" + Scenario.T0 + "&to=" + Scenario.at(2);
            long t0 = System.nanoTime();
            try (Browser browser = new Browser(Map.of("Authorization", TestServer.authorization()))) {
                long t1 = System.nanoTime();
                browser.open("about:blank");
                long t2 = System.nanoTime();
                System.out.printf("browser start (chromedriver, Chromium, WebDriver session): %.0f ms;"
                        + " first navigation (about:blank): %.0f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
                Map<String, LoadTimings> columns = new LinkedHashMap<>();
                browser.freshTab();
                columns.put("cold: fresh tab, empty cache, server's first query", load(browser, url, query));
                browser.freshTab();
                columns.put("fresh tab, empty cache, warm server", load(browser, url, query));
                List<LoadTimings> warm = new ArrayList<>();
                for (int i = 0; i < WARM_LOADS; i++) {
                    warm.add(load(browser, url, query));
                }
                columns.put("warm: same tab, cache kept (median of " + WARM_LOADS + ")", LoadTimings.median(warm));
                browser.screenshot(Path.of("target", "screenshots", "map-500-nodes.png"));
                System.out.print(LoadTimings.table(columns));
                System.out.printf("warm first frames: %s ms; target <= 2000 ms from navigation start%n",
                        warm.stream().map(t -> String.format("%.0f", t.firstFrame())).toList());
            }
        } finally {
            Scenario.stop(store);
        }
    }

    private static LoadTimings load(Browser browser, String url, TimedServlet query) throws Exception {
        query.millis.clear();
        browser.open(url);
        browser.await("return window.cartograph && window.cartograph.drawnMillis != null", v -> v.asBoolean(), WAIT);
        long nodes = browser.eval("return window.cartograph.cy.nodes().length").asLong();
        long edges = browser.eval("return window.cartograph.cy.edges().length").asLong();
        if (nodes != 500 || edges != 2000) {
            throw new IllegalStateException("the map shows " + nodes + " nodes and " + edges + " edges");
        }
        return LoadTimings.of(browser.eval(LoadTimings.COLLECT), query.millis.isEmpty() ? Double.NaN : query.millis.getFirst());
    }

    /** Wraps the query servlet and records how long each request took on the server, in ms. */
    private static final class TimedServlet extends HttpServlet {

        private static final long serialVersionUID = 1L;
        private final transient HttpServlet delegate;
        private final transient List<Double> millis = new CopyOnWriteArrayList<>();

        TimedServlet(HttpServlet delegate) {
            this.delegate = delegate;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            delegate.init(config);
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            long t = System.nanoTime();
            delegate.service(req, resp);
            millis.add((System.nanoTime() - t) / 1e6);
        }
    }
}
