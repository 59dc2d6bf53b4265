package org.cartograph.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cartograph.flow.DnsLatency;
import org.cartograph.flow.FlowBatch;
import org.cartograph.store.internal.QueryServlet;
import org.cartograph.store.internal.Scenario;
import org.cartograph.store.internal.StoreSink;
import org.cartograph.store.internal.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Headless Chromium loads every page against the real store and query API (embedded Jetty on
 * loopback, console-style Basic authentication sent by the browser), fed with a scripted scenario:
 * web calls db and cache; then web starts calling payments (a new dependency, in another zone)
 * while cache fails 8 of 10 connection attempts (a suspected outage). Screenshots go to
 * {@code target/screenshots}.
 */
class UiBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path dir;
    static StoreSink store;
    static TestServer server;
    static Browser browser;

    static FlowBatch batch(int i) {
        Scenario s = new Scenario()
                .flow("web", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 1000, 2000, 150, 10, Map.of(110, 1L))
                .dns("db.internal", 10, 0, 0, 0, 5000)
                .dns("payments.example.com", 1, new DnsLatency(2, 4000, 2000, 2500), new DnsLatency(1, 9000, 9000, 9000));
        if (i >= 37) {
            s.flow("web", "us-east-1a", "cache", "us-east-1a", "10.0.2.5", 100, 100, 900, 2, Map.of(110, 6L, 104, 2L));
            s.flow("web", "us-east-1a", "payments", "us-east-1b", "10.0.3.5", 300_000, 300, 500, 1, Map.of());
        } else {
            s.flow("web", "us-east-1a", "cache", "us-east-1a", "10.0.2.5", 500, 500, 200, 10, Map.of());
        }
        return s.batch(i);
    }

    @BeforeAll
    static void start() throws Exception {
        store = new StoreSink(Scenario.config(dir.toString()));
        for (int i = 1; i <= 42; i++) {
            store.deliver(batch(i)).toCompletableFuture().join();
        }
        server = new TestServer(Map.of("/api/v1/*", new QueryServlet(store, TestServer.security()),
                "/", new UiServlet(TestServer.security())));
        browser = new Browser(Map.of("Authorization", TestServer.authorization()));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            Scenario.stop(store);
        }
    }

    private static String url(String page) {
        return server.uri() + page + "?from=" + Scenario.T0 + "&to=" + Scenario.at(42);
    }

    private static void awaitLoaded() throws Exception {
        browser.await("return window.cartograph && (window.cartograph.loaded > 0 || window.cartograph.error || null)",
                v -> !v.isNull(), WAIT);
        JsonNode error = browser.eval("return window.cartograph.error || null");
        assertTrue(error.isNull(), "the page reported: " + error);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void mapShowsTheServicesAndTheirEdges() throws Exception {
        browser.open(url("/"));
        awaitLoaded();
        assertEquals(List.of("cache", "db", "payments", "web"),
                strings(browser.eval("return window.cartograph.cy.nodes().map(n => n.id()).sort()")));
        assertEquals(List.of("web → cache [same_zone]", "web → db [same_zone]", "web → payments [cross_zone]"),
                strings(browser.eval("return window.cartograph.cy.edges().map(e => e.id()).sort()")));
        assertEquals("#d23c3c", browser.eval("return window.cartograph.cy.getElementById('web → cache [same_zone]')"
                + ".data('color')").asText(), "the failing edge is red");
        assertEquals("#3a9b5c", browser.eval("return window.cartograph.cy.getElementById('web → payments [cross_zone]')"
                + ".data('color')").asText(), "a healthy edge is green");
        browser.eval("window.cartograph.cy.getElementById('web → cache [same_zone]').emit('tap'); return null");
        browser.await("return document.querySelectorAll('#details table tbody tr').length", v -> v.asInt() > 0, WAIT);
        assertTrue(browser.eval("return document.querySelector('#details').textContent").asText().contains("10.0.2.5"));
        browser.screenshot(SHOTS.resolve("map.png"));
        browser.open(url("/"));
        awaitLoaded();
        assertEquals(4, browser.eval("return window.cartograph.cy.nodes().length").asInt());
        assertEquals(0, browser.eval("return performance.getEntriesByType('resource')"
                + ".find(r => r.name.includes('/static/cytoscape.min.js?v=')).transferSize").asInt(),
                "the second load takes Cytoscape.js from the browser's cache without asking the server");
    }

    @Test
    void groupByChangeUpdatesTheAnalyticsTable() throws Exception {
        browser.open(url("/analytics"));
        awaitLoaded();
        String headers = "return [...document.querySelectorAll('#table thead th')].map(th => th.textContent)";
        assertEquals(List.of("src service", "dst service", "bytes", "packets", "retransmits", "rtt_p95_us", "failures"),
                strings(browser.eval(headers)));
        assertEquals("web", browser.eval("return document.querySelector('#table tbody td').textContent").asText());
        browser.screenshot(SHOTS.resolve("analytics-by-service.png"));
        browser.eval("const s = document.querySelector('#dst'); [...s.options].forEach(o => o.selected = o.value === 'availability_zone');"
                + " s.dispatchEvent(new Event('change')); return null");
        browser.await(headers, v -> strings(v).contains("dst availability_zone"), WAIT);
        JsonNode zones = browser.await("return [...document.querySelectorAll('#table tbody tr')].map(r => r.cells[1].textContent)",
                v -> v.size() == 2, WAIT);
        assertEquals(List.of("us-east-1a", "us-east-1b"), strings(zones).stream().sorted().toList());
        browser.eval("document.querySelector('#table thead th:nth-child(3)').click(); return null");
        browser.screenshot(SHOTS.resolve("analytics-by-zone.png"));
    }

    @Test
    void eventsPageReportsTheNewDependencyAndTheOutageOnlyForCache() throws Exception {
        browser.open(url("/events"));
        awaitLoaded();
        List<String> rows = strings(browser.eval("return [...document.querySelectorAll('#events tbody tr')]"
                + ".map(r => r.cells[1].textContent + ' ' + r.cells[2].textContent + ' -> ' + r.cells[3].textContent)"));
        assertTrue(rows.contains("new_dependency web -> payments"), rows.toString());
        assertTrue(rows.contains("outage_suspected (none) -> cache"), rows.toString());
        assertEquals(1, rows.stream().filter(r -> r.startsWith("outage_suspected")).count(), rows.toString());
        browser.screenshot(SHOTS.resolve("events.png"));
    }

    @Test
    void dnsAndCostPagesShowTheirTables() throws Exception {
        browser.open(url("/dns"));
        awaitLoaded();
        assertEquals(List.of("db.internal", "payments.example.com"), strings(browser.eval(
                "return [...document.querySelectorAll('#domains tbody tr')].map(r => r.cells[0].textContent)")));
        String cell = """
                const t = document.querySelector('#domains');
                const col = [...t.querySelectorAll('thead th')].findIndex(h => h.dataset.key === arguments[0]);
                const row = [...t.querySelectorAll('tbody tr')].find(r => r.cells[0].textContent === 'payments.example.com');
                return row.cells[col].textContent;""";
        assertEquals("2.00 ms", browser.eval(cell, "success_latency_avg_us").asText(), "NOERROR answers: 4 ms / 2");
        assertEquals("9.00 ms", browser.eval(cell, "failure_latency_avg_us").asText(), "the NXDOMAIN answer");
        assertEquals("DNS", browser.eval("return document.querySelector('nav a.active').textContent").asText(),
                "the shared header is drawn with this page's link active");
        browser.screenshot(SHOTS.resolve("dns.png"));
        browser.open(url("/cost"));
        awaitLoaded();
        assertEquals(6, browser.eval("return document.querySelectorAll('header nav a').length").asInt());
        assertEquals("Cost", browser.eval("return document.querySelector('nav a.active').textContent").asText());
        assertEquals("cross_zone", browser.eval("return document.querySelector('#classes tbody td').textContent").asText(),
                "the costly class comes first");
        browser.screenshot(SHOTS.resolve("cost.png"));
    }

    @Test
    void pagesNeedTheConsoleCredentials() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.uri() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        HttpResponse<String> js = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.uri() + "/static/cytoscape.min.js")).header("Authorization", TestServer.authorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertTrue(js.body().length() > 100_000, "Cytoscape.js is served from the bundle");
    }
}
