package org.cartograph.ui.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The UI's pages, script, style and Cytoscape.js, read from the bundle once, each kept as is and
 * gzip-compressed (at the highest level, once) with a strong ETag of its content. The pages refer to
 * the script, the style and Cytoscape.js by versioned addresses ({@code /static/app.js?v=<hash>}), so
 * a browser may keep those for a year without asking again; a new agent version changes the hash.
 * Immutable after construction; safe to share between request threads.
 */
final class StaticResources {

    /** The query parameter that carries a static resource's version. */
    static final String VERSION = "v";

    /** Where Cytoscape.js sits in the webjar (and in this bundle). */
    static final String CYTOSCAPE = "/META-INF/resources/webjars/cytoscape/3.33.1/dist/cytoscape.min.js";

    private static final String WEB = "web/";
    private static final Map<String, String> PAGES = Map.of("/", "map.html", "/map", "map.html",
            "/analytics", "analytics.html", "/dns", "dns.html", "/cost", "cost.html", "/events", "events.html");
    private static final String JS = "text/javascript;charset=utf-8";

    /**
     * One resource.
     *
     * @param body      the bytes as they are
     * @param gzipped   the same, gzip-compressed
     * @param type      its Content-Type
     * @param etag      a strong ETag (quoted) of {@code body}
     * @param versioned whether pages address it with {@code ?v=} (then a matching version may be cached for good)
     */
    record Resource(byte[] body, byte[] gzipped, String type, String etag, boolean versioned) {

        /** @return the version that pages put in the resource's address */
        String version() {
            return etag.substring(1, etag.length() - 1);
        }
    }

    private final Map<String, Resource> byPath;

    /** Reads and compresses every resource; a few tens of milliseconds, once. */
    StaticResources() {
        Map<String, Resource> statics = new LinkedHashMap<>();
        statics.put("/static/cytoscape.min.js", resource(read(CYTOSCAPE), JS, true));
        statics.put("/static/app.js", resource(read(WEB + "app.js"), JS, true));
        statics.put("/static/style.css", resource(read(WEB + "style.css"), "text/css;charset=utf-8", true));
        Map<String, Resource> all = new LinkedHashMap<>(statics);
        Map<String, Resource> pages = new LinkedHashMap<>();
        PAGES.forEach((path, file) -> all.put(path, pages.computeIfAbsent(file, f -> {
            String html = new String(read(WEB + f), StandardCharsets.UTF_8);
            for (Map.Entry<String, Resource> s : statics.entrySet()) {
                html = html.replace("\"" + s.getKey() + "\"", "\"" + s.getKey() + "?" + VERSION + "=" + s.getValue().version() + "\"");
            }
            return resource(html.getBytes(StandardCharsets.UTF_8), "text/html;charset=utf-8", false);
        })));
        byPath = Map.copyOf(all);
    }

    /**
     * @param path the request's path below the servlet, e.g. {@code /static/app.js}
     * @return the resource, or null
     */
    Resource get(String path) {
        return byPath.get(path);
    }

    private static Resource resource(byte[] body, String type, boolean versioned) {
        return new Resource(body, gzip(body), type, "\"" + hash(body) + "\"", versioned);
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticResources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing from the bundle: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            z.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String hash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
