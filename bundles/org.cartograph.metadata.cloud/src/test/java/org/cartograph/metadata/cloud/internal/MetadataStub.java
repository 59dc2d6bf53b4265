package org.cartograph.metadata.cloud.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Instance metadata services on loopback, answering as documented: AWS IMDSv2 (a PUT to
 * {@code /latest/api/token} with a TTL header gives a token; every GET must carry it, else 401),
 * GCP ({@code Metadata-Flavor: Google} required, else 403) and Azure IMDS ({@code Metadata: true}
 * required, else 400). {@link #failWith} makes every answer an error status.
 */
final class MetadataStub implements AutoCloseable {

    private final HttpServer server;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Map<String, String> aws = new ConcurrentHashMap<>(Map.of(
            "/latest/meta-data/placement/region", "eu-west-1",
            "/latest/meta-data/placement/availability-zone", "eu-west-1b",
            "/latest/meta-data/instance-type", "m7i.large",
            "/latest/meta-data/instance-id", "i-0123456789abcdef0"));
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private volatile int failWith;
    private volatile boolean awsEnabled = true;

    MetadataStub(boolean gcp, boolean azure) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/latest/", this::aws);
        if (gcp) {
            server.createContext("/computeMetadata/v1/instance/", this::gcp);
        }
        if (azure) {
            server.createContext("/metadata/instance/compute", this::azure);
        }
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void failWith(int status) {
        failWith = status;
    }

    void awsEnabled(boolean enabled) {
        awsEnabled = enabled;
    }

    int tokenRequests() {
        return tokenRequests.get();
    }

    private void aws(HttpExchange ex) throws IOException {
        if (!awsEnabled) {
            send(ex, 404, "");
        } else if (failWith != 0) {
            send(ex, failWith, "internal error");
        } else if (ex.getRequestURI().getPath().equals("/latest/api/token")) {
            String ttl = ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
            if (!ex.getRequestMethod().equals("PUT")) {
                send(ex, 405, "");
            } else if (ttl == null || !ttl.matches("\\d+") || Integer.parseInt(ttl) < 1 || Integer.parseInt(ttl) > 21600) {
                send(ex, 400, "");
            } else {
                String token = UUID.randomUUID().toString();
                tokens.add(token);
                tokenRequests.incrementAndGet();
                ex.getResponseHeaders().add("X-aws-ec2-metadata-token-ttl-seconds", ttl);
                send(ex, 200, token);
            }
        } else if (!tokens.contains(String.valueOf(ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")))) {
            send(ex, 401, "");
        } else {
            String value = aws.get(ex.getRequestURI().getPath());
            send(ex, value == null ? 404 : 200, value == null ? "" : value);
        }
    }

    private void gcp(HttpExchange ex) throws IOException {
        if (!"Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor"))) {
            send(ex, 403, "");
            return;
        }
        ex.getResponseHeaders().add("Metadata-Flavor", "Google");
        switch (ex.getRequestURI().getPath()) {
            case "/computeMetadata/v1/instance/zone" -> send(ex, 200, "projects/123456789/zones/us-central1-f");
            case "/computeMetadata/v1/instance/machine-type" ->
                    send(ex, 200, "projects/123456789/machineTypes/e2-standard-4");
            default -> send(ex, 404, "");
        }
    }

    private void azure(HttpExchange ex) throws IOException {
        if (!"true".equals(ex.getRequestHeaders().getFirst("Metadata"))) {
            send(ex, 400, "{\"error\":\"Bad request. Required metadata header not specified\"}");
            return;
        }
        send(ex, 200, """
                {"azEnvironment":"AzurePublicCloud","location":"westeurope","name":"vm1","osType":"Linux",
                 "vmId":"02aab8a4-74ef-476e-8182-f6d2ba4166a6","vmSize":"Standard_D2s_v5","zone":"2"}
                """);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
