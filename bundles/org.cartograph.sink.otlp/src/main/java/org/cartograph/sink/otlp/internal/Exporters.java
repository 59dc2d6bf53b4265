package org.cartograph.sink.otlp.internal;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.metrics.export.MetricExporter;

/**
 * Builds the SDK's OTLP exporters from the sink's configuration. The exporters' own retries are
 * off: a failed export completes the delivery with a retryable failure and the core retries with
 * backoff.
 *
 * @param protocol    {@code grpc} or {@code http/protobuf}
 * @param endpoint    the base URL (for HTTP, {@code /v1/metrics} and {@code /v1/logs} are appended)
 * @param headers     headers sent with every export (may hold credentials: never logged)
 * @param timeout     the export timeout
 * @param compression {@code gzip} or {@code none}
 */
record Exporters(String protocol, URI endpoint, Map<String, String> headers, Duration timeout, String compression) {

    /** gRPC. */
    static final String GRPC = "grpc";
    /** HTTP with protobuf bodies. */
    static final String HTTP = "http/protobuf";

    /** An HTTP header name (an RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /**
     * @param protocol        {@code grpc} or {@code http/protobuf}
     * @param endpoint        a URL, or empty for the protocol's default on localhost
     * @param headerEntries   {@code name=value} entries
     * @param timeoutSeconds  at least 1
     * @param compression     {@code gzip} or {@code none}
     * @return the settings
     * @throws IllegalArgumentException naming the setting that is invalid (never a header value)
     */
    static Exporters of(String protocol, String endpoint, String[] headerEntries, int timeoutSeconds,
                        String compression) {
        String p = protocol == null ? GRPC : protocol.strip().toLowerCase(Locale.ROOT);
        if (!p.equals(GRPC) && !p.equals(HTTP)) {
            throw new IllegalArgumentException("protocol must be grpc or http/protobuf, not '" + protocol + "'");
        }
        String e = endpoint == null || endpoint.isBlank()
                ? (p.equals(GRPC) ? "http://localhost:4317" : "http://localhost:4318") : endpoint.strip();
        URI uri;
        try {
            uri = URI.create(e.endsWith("/") ? e.substring(0, e.length() - 1) : e);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("endpoint is not a URL", ex);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an http:// or https:// URL with a host");
        }
        Map<String, String> h = new LinkedHashMap<>();
        String[] entries = headerEntries == null ? new String[0] : headerEntries;
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] == null || entries[i].isBlank()) {
                continue;
            }
            int eq = entries[i].indexOf('=');
            String name = eq <= 0 ? "" : entries[i].substring(0, eq).strip();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("headers: entry " + (i + 1) + " is not name=value with an HTTP"
                        + " header name");
            }
            h.put(name, entries[i].substring(eq + 1).strip());
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeout.seconds must be at least 1, not " + timeoutSeconds);
        }
        String c = compression == null ? "none" : compression.strip().toLowerCase(Locale.ROOT);
        if (!c.equals("gzip") && !c.equals("none")) {
            throw new IllegalArgumentException("compression must be gzip or none, not '" + compression + "'");
        }
        return new Exporters(p, uri, Map.copyOf(h), Duration.ofSeconds(timeoutSeconds), c);
    }

    /** @return the endpoint without user info, query or fragment, safe to show */
    String safeEndpoint() {
        return endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? ""
                : ":" + endpoint.getPort()) + (endpoint.getPath() == null ? "" : endpoint.getPath());
    }

    /** @return a metric exporter for these settings */
    MetricExporter metrics() {
        if (protocol.equals(GRPC)) {
            return OtlpGrpcMetricExporter.builder().setComponentLoader(Senders.INSTANCE)
                    .setEndpoint(endpoint.toString()).setHeaders(() -> headers).setTimeout(timeout)
                    .setCompression(compression).setRetryPolicy(null).build();
        }
        return OtlpHttpMetricExporter.builder().setComponentLoader(Senders.INSTANCE)
                .setEndpoint(endpoint + "/v1/metrics").setHeaders(() -> headers).setTimeout(timeout)
                .setCompression(compression).setRetryPolicy(null).build();
    }

    /** @return a log record exporter for these settings */
    LogRecordExporter logs() {
        if (protocol.equals(GRPC)) {
            return OtlpGrpcLogRecordExporter.builder().setComponentLoader(Senders.INSTANCE)
                    .setEndpoint(endpoint.toString()).setHeaders(() -> headers).setTimeout(timeout)
                    .setCompression(compression).setRetryPolicy(null).build();
        }
        return OtlpHttpLogRecordExporter.builder().setComponentLoader(Senders.INSTANCE)
                .setEndpoint(endpoint + "/v1/logs").setHeaders(() -> headers).setTimeout(timeout)
                .setCompression(compression).setRetryPolicy(null).build();
    }
}
