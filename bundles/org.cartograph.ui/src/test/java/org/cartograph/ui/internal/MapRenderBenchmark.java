package org.cartograph.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.cartograph.store.internal.QueryServlet;
import org.cartograph.store.internal.Scenario;
import org.cartograph.store.internal.StoreSink;
import org.cartograph.store.internal.TestServer;

/**
 * Benchmark (not a test): the map with 500 nodes and 2,000 edges in headless Chromium, target
 * ≤ 2 s from navigation to a drawn graph. Prints, from navigation: when the first frame of the graph
 * was drawn, when the page had built and laid out the graph, and the query and Cytoscape.js parts of it.
 */
public final class MapRenderBenchmark {

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
        try (TestServer server = new TestServer(Map.of("/api/v1/*", new QueryServlet(store, TestServer.security()),
                "/", new UiServlet(TestServer.security())));
             Browser browser = new Browser(Map.of("Authorization", TestServer.authorization()))) {
            for (int run = 1; run <= 3; run++) {
                browser.open(server.uri() + "/?from=" + Scenario.T0 + "&to=" + Scenario.at(2));
                browser.await("return window.cartograph && window.cartograph.loaded > 0", v -> v.asBoolean(),
                        Duration.ofSeconds(60));
                long nodes = browser.eval("return window.cartograph.cy.nodes().length").asLong();
                long edges = browser.eval("return window.cartograph.cy.edges().length").asLong();
                double total = browser.eval("return window.cartograph.readyMillis").asDouble();
                double cytoscape = browser.eval("return window.cartograph.renderMillis").asDouble();
                double fetch = browser.eval("return window.cartograph.timings.fetchMillis").asDouble();
                double drawn = browser.await("return window.cartograph.drawnMillis", v -> !v.isNull(), Duration.ofSeconds(60))
                        .asDouble();
                System.out.printf("run %d: %d nodes, %d edges: first frame drawn after %.0f ms; page ready after %.0f ms"
                        + " (query %.0f ms, Cytoscape.js elements and layout %.0f ms); target <= 2000 ms%n",
                        run, nodes, edges, drawn, total, fetch, cytoscape);
            }
        } finally {
            Scenario.stop(store);
        }
    }
}
