package org.cartograph.ui.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Headless Debian Chromium driven by chromedriver over W3C WebDriver, with the JDK HTTP client.
 * Both listen on loopback only; {@link #close()} ends the session and the driver process.
 */
final class Browser implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private final Process driver;
    private final Path profile;
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String session;
    private final Map<String, String> extraHeaders;

    /**
     * Starts chromedriver and one headless Chromium session.
     *
     * @param extraHeaders headers Chromium adds to every request (through the DevTools protocol)
     * @throws Exception if either does not start
     */
    Browser(Map<String, String> extraHeaders) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        profile = Files.createTempDirectory("cartograph-chromium");
        driver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromedriver.log").toFile()).start();
        base = "http://127.0.0.1:" + port;
        this.extraHeaders = Map.copyOf(extraHeaders);
        try {
            session = start(extraHeaders);
        } catch (Exception | Error e) {
            driver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw e;
        }
    }

    private String start(Map<String, String> extraHeaders) throws Exception {
        awaitDriver();
        Map<String, Object> options = Map.of("binary", "/usr/bin/chromium", "args", List.of("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,900",
                "--user-data-dir=" + profile.resolve("profile")));
        JsonNode created = call("POST", "/session", Map.of("capabilities",
                Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
        String id = created.get("sessionId").asText();
        sendHeaders(id, extraHeaders);
        return id;
    }

    private void sendHeaders(String id, Map<String, String> headers) throws Exception {
        if (!headers.isEmpty()) {
            cdp(id, "Network.enable", Map.of());
            cdp(id, "Network.setExtraHTTPHeaders", Map.of("headers", headers));
        }
    }

    private void awaitDriver() throws Exception {
        Instant deadline = Instant.now().plus(STARTUP);
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && JSON.readTree(r.body()).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                if (!driver.isAlive()) {
                    throw new IllegalStateException("chromedriver exited: " + Files.readString(profile.resolve("chromedriver.log")), e);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("chromedriver not ready within " + STARTUP);
            }
            driver.waitFor(50, TimeUnit.MILLISECONDS);
        }
    }

    private JsonNode call(String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = JSON.readTree(r.body()).path("value");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + path + ": " + r.statusCode() + " " + value);
        }
        return value;
    }

    private JsonNode cdp(String id, String cmd, Map<String, Object> params) throws Exception {
        return call("POST", "/session/" + id + "/goog/cdp/execute", Map.of("cmd", cmd, "params", params));
    }

    /**
     * Sends a DevTools protocol command to the current tab.
     *
     * @return its result
     */
    JsonNode cdp(String cmd, Map<String, Object> params) throws Exception {
        return cdp(session, cmd, params);
    }

    /**
     * Replaces the current tab by a new one (a new page and, as Chromium decides for a new tab, a new
     * renderer) with an empty HTTP cache: what a user sees opening the UI in a browser that already runs.
     */
    void freshTab() throws Exception {
        JsonNode created = call("POST", "/session/" + session + "/window/new", Map.of("type", "tab"));
        call("DELETE", "/session/" + session + "/window", null);
        call("POST", "/session/" + session + "/window", Map.of("handle", created.get("handle").asText()));
        sendHeaders(session, extraHeaders);
        cdp("Network.clearBrowserCache", Map.of());
    }

    /** @param url the page to load; returns when the document has loaded */
    void open(String url) throws Exception {
        call("POST", "/session/" + session + "/url", Map.of("url", url));
    }

    /**
     * @param script a function body, e.g. {@code return document.title}
     * @return its result as JSON
     */
    JsonNode eval(String script) throws Exception {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", script, "args", List.of()));
    }

    /** Evaluates a script that reads its arguments as {@code arguments[0]}, ... */
    JsonNode eval(String script, Object... args) throws Exception {
        return call("POST", "/session/" + session + "/execute/sync", Map.of("script", script, "args", List.of(args)));
    }

    /**
     * Evaluates a script until its result satisfies a condition.
     *
     * @return the first satisfying result
     * @throws AssertionError with the last result when the deadline passes
     */
    JsonNode await(String script, Predicate<JsonNode> condition, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = eval(script);
            if (condition.test(last)) {
                return last;
            }
            driver.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new AssertionError("not within " + timeout + ": " + script + " last gave " + last);
    }

    /** @param file where to save a PNG of the viewport */
    void screenshot(Path file) throws Exception {
        JsonNode png = call("GET", "/session/" + session + "/screenshot", null);
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png.asText()));
    }

    @Override
    public void close() throws Exception {
        try {
            call("DELETE", "/session/" + session, null);
        } finally {
            driver.destroy();
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
