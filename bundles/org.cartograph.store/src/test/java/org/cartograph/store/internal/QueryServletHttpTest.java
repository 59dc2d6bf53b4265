package org.cartograph.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The query API over real HTTP (embedded Jetty on loopback), with authentication. */
class QueryServletHttpTest {

    @TempDir
    static Path dir;
    static StoreSink store;
    static TestServer server;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        store = new StoreSink(Scenario.config(dir.toString()));
        Scenario s = new Scenario()
                .flow("web", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 1000, 5000, 100, 1, Map.of())
                .flow("web", "us-east-1a", "cache", "us-east-1b", "10.0.2.5", 2000, 3000, 200, 1, Map.of(104, 1L))
                .flow("api", "us-east-1a", "db", "us-east-1a", "10.0.1.5", 500, 700, 300, 0, Map.of(111, 2L))
                .dns("api.example.com", 10, 1, 2, 1, 7000);
        for (int i = 1; i <= 2; i++) {
            store.deliver(s.batch(i)).toCompletableFuture().join();
        }
        server = new TestServer(Map.of("/api/v1/*", new QueryServlet(store, TestServer.security())));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        store.deactivate();
    }

    private static HttpResponse<String> get(String pathAndQuery, boolean auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + pathAndQuery));
        if (auth) {
            b.header("Authorization", TestServer.authorization());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String range() {
        return "from=" + Scenario.T0 + "&to=" + Scenario.at(2);
    }

    @Test
    void refusesRequestsWithoutTheConsoleCredentials() throws Exception {
        HttpResponse<String> r = get("/api/v1/aggregate?" + range(), false);
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
    }

    @Test
    void aggregateReturnsHandComputedTotals() throws Exception {
        HttpResponse<String> r = get("/api/v1/aggregate?" + range()
                + "&src=service&dst=service&measures=bytes,failures,failures_reset&limit=1", true);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json;charset=utf-8", r.headers().firstValue("Content-Type").orElse("").toLowerCase().replace(" ", ""));
        JsonNode rows = JSON.readTree(r.body()).get("rows");
        assertEquals(2, rows.size());
        assertEquals("web", rows.get(0).get("src").get("service").asText());
        assertEquals("db", rows.get(0).get("dst").get("service").asText());
        assertEquals(12000, rows.get(0).get("values").get("bytes").asLong());
        assertTrue(rows.get(1).get("other").asBoolean());
        assertEquals(2, rows.get(1).get("groups").asLong());
        assertEquals(10000 + 2400, rows.get(1).get("values").get("bytes").asLong());
        assertEquals(2 + 4, rows.get(1).get("values").get("failures").asLong());
        assertEquals(2, rows.get(1).get("values").get("failures_reset").asLong());
    }

    @Test
    void dnsAndMeasuresAndEvents() throws Exception {
        JsonNode dns = JSON.readTree(get("/api/v1/dns?" + range() + "&by=domain&measures=queries,servfail", true).body());
        assertEquals("api.example.com", dns.get("rows").get(0).get("by").get("domain").asText());
        assertEquals(20, dns.get("rows").get(0).get("values").get("queries").asLong());
        assertEquals(2, dns.get("rows").get(0).get("values").get("servfail").asLong());
        JsonNode measures = JSON.readTree(get("/api/v1/measures", true).body());
        assertTrue(measures.get("aggregate").toString().contains("\"cost\""));
        assertTrue(measures.get("dns").toString().contains("\"failure_latency_p99_us\""), measures.toString());
        HttpResponse<String> events = get("/api/v1/events?from=" + Scenario.T0 + "&to=" + Scenario.at(5), true);
        assertEquals(200, events.statusCode());
        assertTrue(JSON.readTree(events.body()).get("events").isArray());
    }

    @Test
    void badParametersGive400WithTheReason() throws Exception {
        HttpResponse<String> r = get("/api/v1/aggregate?measures=bytes,nonsense", true);
        assertEquals(400, r.statusCode());
        assertTrue(JSON.readTree(r.body()).get("error").asText().contains("unknown measure 'nonsense'"), r.body());
        assertEquals(400, get("/api/v1/aggregate?from=yesterday", true).statusCode());
        assertEquals(404, get("/api/v1/nothing", true).statusCode());
    }
}
