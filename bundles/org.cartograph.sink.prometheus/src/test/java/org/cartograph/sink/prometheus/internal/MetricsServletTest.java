package org.cartograph.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.Test;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The servlet the agent's HTTP whiteboard serves at /metrics, called with plain request/response doubles. */
class MetricsServletTest {

    @Test
    void servesTheSinkMetricsAndHealthInTheFormatAskedFor() throws Exception {
        PrometheusSink sink = new PrometheusSink(TestConfig.defaults());
        try {
            sink.record(Batches.batch(1, List.of(Batches.flow(40000, "10.0.0.2", "db", 42, 0, 0, Map.of())),
                    List.of()));
            MetricsServlet servlet = new MetricsServlet(sink);
            servlet.addContributor(() -> List.of(new ComponentStatus("sink.jsonl.queue", Health.OK, "",
                    Map.of("dropped", 3L, "queued", 0L), null, null)));

            Map<String, String> headers = new HashMap<>();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            servlet.doGet(request(null), response(headers, body));
            String text = body.toString(StandardCharsets.UTF_8);
            assertTrue(headers.get("Content-Type").startsWith("text/plain; version=0.0.4"), headers.toString());
            assertEquals(42, Expositions.value(text, "cartograph_network_sent_bytes_total",
                    "destination_service=\"db\""));
            assertEquals(3, Expositions.value(text, "cartograph_sink_dropped", "sink=\"jsonl\""));

            body.reset();
            servlet.doGet(request("application/openmetrics-text; version=1.0.0"), response(headers, body));
            assertTrue(headers.get("Content-Type").startsWith("application/openmetrics-text"), headers.toString());
            assertTrue(body.toString(StandardCharsets.UTF_8).endsWith("# EOF\n"));
        } finally {
            sink.deactivate();
        }
    }

    private static HttpServletRequest request(String accept) {
        return (HttpServletRequest) Proxy.newProxyInstance(MetricsServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> "Accept".equalsIgnoreCase((String) args[0]) ? accept : null;
                    case "getMethod" -> "GET";
                    default -> null;
                });
    }

    private static HttpServletResponse response(Map<String, String> headers, ByteArrayOutputStream body) {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                body.write(b);
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(MetricsServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                    case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                    case "getOutputStream" -> out;
                    default -> null;
                });
    }
}
