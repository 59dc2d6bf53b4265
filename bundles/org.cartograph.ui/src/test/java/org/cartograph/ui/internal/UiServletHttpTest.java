package org.cartograph.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.cartograph.store.internal.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The UI servlet on a real Jetty (loopback) through the JDK HTTP client: compression, versioned
 * addresses cached for good, ETag revalidation, and authentication in front of all of it.
 */
class UiServletHttpTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern CYTOSCAPE = Pattern.compile("\"(/static/cytoscape\\.min\\.js\\?v=[0-9a-f]{16})\"");

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(Map.of("/", new UiServlet(TestServer.security())));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }

    @Test
    void pagesAreCompressedRevalidatedAndReferToVersionedResources() throws Exception {
        HttpResponse<byte[]> page = get("/", "Authorization", TestServer.authorization(), "Accept-Encoding", "gzip, br");
        assertEquals(200, page.statusCode());
        assertEquals("gzip", header(page, "Content-Encoding"));
        assertEquals("no-cache", header(page, "Cache-Control"));
        String html = new String(gunzip(page.body()), StandardCharsets.UTF_8);
        assertTrue(html.contains("/static/app.js?v="), html);
        assertTrue(CYTOSCAPE.matcher(html).find(), html);

        HttpResponse<byte[]> again = get("/", "Authorization", TestServer.authorization(),
                "If-None-Match", header(page, "ETag"));
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
    }

    @Test
    void versionedCytoscapeIsCachedForGoodAndGzipped() throws Exception {
        String html = new String(get("/", "Authorization", TestServer.authorization()).body(), StandardCharsets.UTF_8);
        Matcher m = CYTOSCAPE.matcher(html);
        assertTrue(m.find(), html);
        HttpResponse<byte[]> gz = get(m.group(1), "Authorization", TestServer.authorization(), "Accept-Encoding", "gzip");
        HttpResponse<byte[]> plain = get(m.group(1), "Authorization", TestServer.authorization());
        assertEquals(200, gz.statusCode());
        assertTrue(header(gz, "Cache-Control").contains("max-age=31536000"), header(gz, "Cache-Control"));
        assertTrue(header(gz, "Cache-Control").contains("immutable"));
        assertEquals("gzip", header(gz, "Content-Encoding"));
        assertEquals("Accept-Encoding", header(gz, "Vary"));
        assertFalse(header(plain, "Content-Encoding").contains("gzip"));
        assertTrue(plain.body().length > 400_000, "Cytoscape.js as it is: " + plain.body().length);
        assertArrayEquals(plain.body(), gunzip(gz.body()));
        assertTrue(gz.body().length < plain.body().length / 3, "compressed to " + gz.body().length);
        assertEquals(String.valueOf(gz.body().length), header(gz, "Content-Length"));
    }

    @Test
    void anOutdatedOrMissingVersionIsRevalidatedNotCached() throws Exception {
        HttpResponse<byte[]> old = get("/static/app.js?v=0000000000000000", "Authorization", TestServer.authorization());
        assertEquals(200, old.statusCode());
        assertEquals("no-cache", header(old, "Cache-Control"));
        assertEquals("no-cache", header(get("/static/style.css", "Authorization", TestServer.authorization()), "Cache-Control"));
    }

    @Test
    void gzipRefusedWithQZeroGivesTheIdentity() throws Exception {
        HttpResponse<byte[]> r = get("/static/app.js", "Authorization", TestServer.authorization(),
                "Accept-Encoding", "gzip;q=0, identity");
        assertEquals(200, r.statusCode());
        assertEquals("", header(r, "Content-Encoding"));
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("'use strict';"));
    }

    @Test
    void everythingNeedsTheConsoleCredentialsAndUnknownPathsAre404() throws Exception {
        assertEquals(401, get("/static/cytoscape.min.js").statusCode());
        assertEquals(401, get("/").statusCode());
        assertEquals(404, get("/static/nothing.js", "Authorization", TestServer.authorization()).statusCode());
    }
}
