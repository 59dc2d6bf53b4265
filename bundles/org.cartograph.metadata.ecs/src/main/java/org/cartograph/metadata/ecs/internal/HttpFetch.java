package org.cartograph.metadata.ecs.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Bounded GETs against the local ECS endpoints: a timeout per request, no proxy, only HTTP 200
 * accepted, bodies over {@value #MAX_BODY} bytes refused without reading them whole. Blocking;
 * thread-safe.
 */
final class HttpFetch {

    /** The largest body read. */
    static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpClient http;
    private final Duration timeout;

    HttpFetch(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /**
     * @param url what to get
     * @return the body
     * @throws IOException          on a connection error, a status other than 200 or a body over the bound
     * @throws InterruptedException when interrupted
     */
    byte[] get(String url) throws IOException, InterruptedException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid URL " + url, e);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + " for " + url);
            }
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("answer larger than the bound of " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    /** @return the URL without a trailing slash */
    static String base(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
