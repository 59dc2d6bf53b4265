package org.cartograph.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/**
 * A real Prometheus server ({@code /usr/bin/prometheus}, Debian package {@code prometheus}), started
 * on 127.0.0.1 with a temporary configuration and storage, scrapes the sink's exposition from a
 * loopback HTTP endpoint; PromQL over its HTTP API returns the byte counts the batches carried.
 */
class PrometheusServerTest {

    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.e+]+,\"([^\"]+)\"\\]");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;

    private static PrometheusSink sink;
    private static HttpServer endpoint;
    private static Process prometheus;
    private static String api;
    private static final AtomicInteger SCRAPES = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        sink = new PrometheusSink(TestConfig.defaults());
        Exposition exposition = new Exposition();
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/metrics", exchange -> {
            Exposition.Rendered r = exposition.render(exchange.getRequestHeaders().getFirst("Accept"), sink.scrape());
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            exchange.sendResponseHeaders(200, r.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(r.body());
            }
            SCRAPES.incrementAndGet();
        });
        endpoint.start();
        int port = freePort();
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: cartograph
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(endpoint.getAddress().getPort()));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        api = "http://127.0.0.1:" + port;
        await("Prometheus ready", () -> get("/-/ready") == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (endpoint != null) {
            endpoint.stop(0);
        }
        if (sink != null) {
            sink.deactivate();
        }
    }

    @Test
    void promqlReturnsTheBytesOfTheBatches() throws Exception {
        sink.record(Batches.batch(1, List.of(
                Batches.flow(40000, "10.0.0.2", "db", 1200, 50, 300, Map.of()),
                Batches.flow(40001, "10.0.0.3", "db", 34, 50, 300, Map.of()),
                Batches.flow(40002, "10.0.0.4", "cache", 5, 0, 0, Map.of())), List.of(Batches.dns("example.com"))));
        await("1234 bytes to db in Prometheus", () -> "1234".equals(
                query("sum(cartograph_network_sent_bytes_total{source_container=\"web\",destination_service=\"db\"})")));

        sink.record(Batches.batch(2, List.of(Batches.flow(40000, "10.0.0.2", "db", 766, 0, 0, Map.of())),
                List.of()));
        await("2000 bytes to db after the second batch", () -> "2000".equals(
                query("sum(cartograph_network_sent_bytes_total{destination_service=\"db\"})")));
        assertEquals("2005", query("sum(cartograph_network_sent_bytes_total)"));
        assertEquals("3", query("sum(cartograph_dns_queries_total)"));
        assertEquals("1", query("up{job=\"cartograph\"}"));
        assertTrue(SCRAPES.get() >= 2, "scraped " + SCRAPES.get() + " times");
    }

    private static String query(String promql) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/query?query="
                    + URLEncoder.encode(promql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = VALUE.matcher(r.body());
            return m.find() ? m.group(1) : r.body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static int get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void await(String what, Supplier<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.get()) {
            if (System.nanoTime() > deadline || !prometheus.isAlive()) {
                throw new AssertionError("timed out waiting for " + what + "; Prometheus log:\n"
                        + Files.readString(dir.resolve("prometheus.log")));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
