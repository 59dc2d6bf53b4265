package org.cartograph.metadata.cloud.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Asks the instance metadata services which cloud, region and zone this host runs in: AWS
 * IMDSv2 (a session token first, then {@code placement/*}), GCP ({@code Metadata-Flavor: Google})
 * and Azure IMDS ({@code Metadata: true}). Blocking; runs on the provider's thread. Thread-safe.
 */
final class HostMetadata {

    /** Where each service is asked, and which ones. */
    record Endpoints(List<String> providers, String aws, String gcp, String azure) {
    }

    private static final int MAX_BODY = 256 * 1024;

    private final Endpoints endpoints;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    HostMetadata(Endpoints endpoints, Duration timeout) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /**
     * @return the host's tags ({@code cloud_provider}, {@code region}, {@code availability_zone},
     *         {@code instance_type}), or an empty map when no configured service answers
     * @throws IOException when a service answered but with something unusable (errors, garbage):
     *                     worth a retry
     */
    Map<String, String> detect() throws IOException, InterruptedException {
        IOException broken = null;
        for (String p : endpoints.providers()) {
            try {
                Map<String, String> tags = switch (p.strip()) {
                    case "aws" -> aws();
                    case "gcp" -> gcp();
                    case "azure" -> azure();
                    default -> throw new IllegalArgumentException("unknown cloud '" + p + "': use aws, gcp or azure");
                };
                if (tags != null) {
                    return tags;
                }
            } catch (Unanswered e) {
                // not this cloud
            } catch (IOException e) {
                broken = broken == null ? e : broken;
            }
        }
        if (broken != null) {
            throw broken;
        }
        return Map.of();
    }

    private Map<String, String> aws() throws IOException, InterruptedException {
        String base = strip(endpoints.aws());
        HttpRequest tokenRequest = HttpRequest.newBuilder(URI.create(base + "/latest/api/token")).timeout(timeout)
                .header("X-aws-ec2-metadata-token-ttl-seconds", "300")
                .PUT(HttpRequest.BodyPublishers.noBody()).build();
        String token = call(tokenRequest, "AWS IMDSv2 token").strip();
        if (token.isEmpty()) {
            throw new IOException("AWS IMDSv2 answered an empty token");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("cloud_provider", "aws");
        tags.put("region", awsGet(base, token, "placement/region"));
        tags.put("availability_zone", awsGet(base, token, "placement/availability-zone"));
        tags.put("instance_type", awsGet(base, token, "instance-type"));
        tags.values().removeIf(String::isEmpty);
        return tags;
    }

    private String awsGet(String base, String token, String path) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/latest/meta-data/" + path)).timeout(timeout)
                .header("X-aws-ec2-metadata-token", token).GET().build();
        return call(r, "AWS IMDS " + path).strip();
    }

    private Map<String, String> gcp() throws IOException, InterruptedException {
        String base = strip(endpoints.gcp()) + "/computeMetadata/v1/instance/";
        String zonePath = gcpGet(base + "zone");
        String zone = zonePath.substring(zonePath.lastIndexOf('/') + 1).strip();
        int dash = zone.lastIndexOf('-');
        if (zone.isEmpty() || dash <= 0) {
            throw new IOException("GCP metadata zone '" + zonePath + "' is not projects/N/zones/REGION-X");
        }
        String machine = gcpGet(base + "machine-type");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("cloud_provider", "gcp");
        tags.put("region", zone.substring(0, dash));
        tags.put("availability_zone", zone);
        tags.put("instance_type", machine.substring(machine.lastIndexOf('/') + 1).strip());
        return tags;
    }

    private String gcpGet(String url) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Metadata-Flavor", "Google")
                .GET().build(), "GCP metadata");
    }

    private Map<String, String> azure() throws IOException, InterruptedException {
        String url = strip(endpoints.azure()) + "/metadata/instance/compute?api-version=2021-02-01&format=json";
        String body = call(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Metadata", "true")
                .GET().build(), "Azure IMDS");
        JsonNode n;
        try {
            n = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IOException("Azure IMDS answered something that is not JSON: " + e.getOriginalMessage(), e);
        }
        String location = n == null ? "" : n.path("location").asText("");
        if (location.isEmpty()) {
            throw new IOException("Azure IMDS answered without compute.location");
        }
        String zone = n.path("zone").asText("");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("cloud_provider", "azure");
        tags.put("region", location);
        tags.put("availability_zone", zone.isEmpty() ? "" : location + "-" + zone);
        tags.put("instance_type", n.path("vmSize").asText(""));
        tags.values().removeIf(String::isEmpty);
        return tags;
    }

    private String call(HttpRequest request, String what) throws IOException, InterruptedException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unanswered(what + " did not answer: " + e);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() == 404) {
                throw new Unanswered(what + " answered 404");
            }
            if (r.statusCode() != 200) {
                throw new IOException(what + " answered HTTP " + r.statusCode());
            }
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException(what + " answered more than " + MAX_BODY + " bytes");
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String strip(String base) {
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The service is not there: this host is not on that cloud. */
    private static final class Unanswered extends IOException {
        private static final long serialVersionUID = 1L;

        Unanswered(String message) {
            super(message);
        }
    }
}
