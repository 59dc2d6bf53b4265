package org.cartograph.sink.otlp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.SinkResult;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;

/**
 * Real OTLP receivers on 127.0.0.1: a gRPC server built from the official opentelemetry-proto
 * service stubs with grpc-netty-shaded, and an HTTP endpoint ({@code /v1/metrics},
 * {@code /v1/logs}) parsing the protobuf requests. The sink's SDK exporters deliver to both.
 */
class OtlpReceiversTest {

    private static final List<ExportMetricsServiceRequest> METRICS = new CopyOnWriteArrayList<>();
    private static final List<ExportLogsServiceRequest> LOGS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger LOG_FAILURES_LEFT = new AtomicInteger();
    private static final AtomicInteger METRIC_FAILURES_LEFT = new AtomicInteger();
    private static HttpServer http;
    private static Server grpc;

    @BeforeAll
    static void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/v1/metrics", ex -> {
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body(ex));
            if (METRIC_FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(ex, 503, new byte[0]);
                return;
            }
            METRICS.add(request);
            reply(ex, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
        });
        http.createContext("/v1/logs", ex -> {
            ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body(ex));
            if (LOG_FAILURES_LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                reply(ex, 503, new byte[0]);
                return;
            }
            LOGS.add(request);
            reply(ex, 200, ExportLogsServiceResponse.getDefaultInstance().toByteArray());
        });
        http.start();
        grpc = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
                    @Override
                    public void export(ExportMetricsServiceRequest request,
                                       StreamObserver<ExportMetricsServiceResponse> response) {
                        METRICS.add(request);
                        response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                        response.onCompleted();
                    }
                })
                .addService(new LogsServiceGrpc.LogsServiceImplBase() {
                    @Override
                    public void export(ExportLogsServiceRequest request,
                                       StreamObserver<ExportLogsServiceResponse> response) {
                        LOGS.add(request);
                        response.onNext(ExportLogsServiceResponse.getDefaultInstance());
                        response.onCompleted();
                    }
                }).build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (grpc != null) {
            grpc.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        if (http != null) {
            http.stop(0);
        }
    }

    @BeforeEach
    void clear() {
        METRICS.clear();
        LOGS.clear();
        LOG_FAILURES_LEFT.set(0);
        METRIC_FAILURES_LEFT.set(0);
    }

    @Test
    void httpProtobufReceiverGetsTheMetricsWithTheirAttributes() throws Exception {
        check(TestConfig.of("http/protobuf", "http://127.0.0.1:" + http.getAddress().getPort(), true,
                "authorization=Bearer t0ken"));
    }

    @Test
    void grpcReceiverGetsTheMetricsWithTheirAttributes() throws Exception {
        check(TestConfig.of("grpc", "http://127.0.0.1:" + grpc.getPort(), true));
    }

    private void check(TestConfig config) throws Exception {
        OtlpSink sink = new OtlpSink(config);
        try {
            SinkResult r = sink.deliver(Batches.batch(1, List.of(
                    Batches.flow(40000, "10.0.0.2", "db", 100, 1000, 250, Map.of()),
                    Batches.flow(40001, "10.0.0.2", "db", 200, 2000, 3000, Map.of(111, 2L))),
                    List.of(Batches.dns("example.com")))).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(SinkResult.Outcome.SUCCESS, r.outcome(), r.message());
            assertEquals(1, METRICS.size());
            ExportMetricsServiceRequest request = METRICS.getFirst();
            ResourceMetrics flows = request.getResourceMetricsList().stream()
                    .filter(rm -> attributes(rm.getResource().getAttributesList()).containsKey("k8s.pod.name"))
                    .findFirst().orElseThrow();
            Map<String, AnyValue> resource = attributes(flows.getResource().getAttributesList());
            assertEquals("host-a", resource.get("host.name").getStringValue());
            assertEquals("cartograph-agent", resource.get("service.name").getStringValue());
            assertEquals("web-0", resource.get("k8s.pod.name").getStringValue());
            assertEquals("web", resource.get("container.name").getStringValue());
            assertEquals("eu-west-1", resource.get("cloud.region").getStringValue());
            Metric io = metric(request, "cartograph.network.io");
            assertEquals("By", io.getUnit());
            assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, io.getSum().getAggregationTemporality());
            NumberDataPoint tx = io.getSum().getDataPointsList().stream()
                    .filter(p -> "transmit".equals(attributes(p.getAttributesList()).get("network.io.direction")
                            .getStringValue())).findFirst().orElseThrow();
            assertEquals(300, tx.getAsInt());
            Map<String, AnyValue> a = attributes(tx.getAttributesList());
            assertEquals("tcp", a.get("network.transport").getStringValue());
            assertEquals("10.0.0.2", a.get("destination.address").getStringValue());
            assertEquals(5432, a.get("destination.port").getIntValue());
            assertEquals("db", a.get("cartograph.destination.service").getStringValue());
            NumberDataPoint refused = metric(request, "cartograph.tcp.connection.failures").getSum()
                    .getDataPoints(0);
            assertEquals(2, refused.getAsInt());
            assertEquals("refused", attributes(refused.getAttributesList()).get("error.type").getStringValue());
            assertEquals(2, metric(request, "cartograph.tcp.rtt").getHistogram().getDataPoints(0).getCount());
            assertEquals(3, metric(request, "cartograph.dns.queries").getSum().getDataPoints(0).getAsInt());

            assertEquals(1, LOGS.size());
            var records = LOGS.getFirst().getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
            assertEquals(2, records.size());
            assertEquals(40000, attributes(records.getFirst().getAttributesList()).get("source.port").getIntValue());
            assertEquals(Health.OK, sink.status().getFirst().health());
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void aFailedExportIsRetryableAndAnAcceptedPartIsNotSentTwice() throws Exception {
        LOG_FAILURES_LEFT.set(1);
        OtlpSink sink = new OtlpSink(TestConfig.of("http/protobuf", "http://127.0.0.1:" + http.getAddress().getPort(),
                true));
        try {
            var batch = Batches.batch(7, List.of(Batches.flow(40000, "10.0.0.2", "db", 100, 1000, 250, Map.of())),
                    List.of());
            SinkResult first = sink.deliver(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(SinkResult.Outcome.RETRYABLE_FAILURE, first.outcome());
            assertEquals(Health.DEGRADED, sink.status().getFirst().health());
            SinkResult second = sink.deliver(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(SinkResult.Outcome.SUCCESS, second.outcome(), second.message());
            assertEquals(1, METRICS.size(), "metrics were accepted the first time: not sent again");
            assertEquals(1, LOGS.size());
            ComponentStatus healed = sink.status().getFirst();
            assertEquals(Health.OK, healed.health());
            assertEquals("", healed.message());
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void anIntervalInThreePartsReachesTheReceiverOnceAsOnePointPerSeriesWithSummedValues() throws Exception {
        OtlpSink sink = new OtlpSink(TestConfig.of("grpc", "http://127.0.0.1:" + grpc.getPort(), true));
        try {
            deliver(sink, Batches.part(1, 1, List.of(Batches.flow(40000, "10.0.0.2", "db", 100, 1000, 250,
                    Map.of())), List.of(), false));
            deliver(sink, Batches.part(2, 1, List.of(Batches.flow(40001, "10.0.0.2", "db", 200, 2000, 3000,
                    Map.of(111, 2L)), Batches.flow(40002, "10.0.0.3", null, 5, 5, 0, Map.of())), List.of(), false));
            assertEquals(0, METRICS.size(), "nothing before the last part");
            deliver(sink, Batches.part(3, 1, List.of(Batches.flow(40003, "10.0.0.2", "db", 400, 4000, 500, Map.of())),
                    List.of(Batches.dns("example.com")), true));
            assertEquals(1, METRICS.size());
            assertEquals(3, LOGS.size(), "log records go out with each part");
            ExportMetricsServiceRequest request = METRICS.getFirst();
            assertOnePointPerSeries(request);
            List<NumberDataPoint> tx = metric(request, "cartograph.network.io").getSum().getDataPointsList().stream()
                    .filter(p -> "transmit".equals(attributes(p.getAttributesList()).get("network.io.direction")
                            .getStringValue())).toList();
            Map<String, Long> txByDestination = new HashMap<>();
            tx.forEach(p -> txByDestination.put(attributes(p.getAttributesList()).get("destination.address")
                    .getStringValue(), p.getAsInt()));
            assertEquals(Map.of("10.0.0.2", 700L, "10.0.0.3", 5L), txByDestination);
            NumberDataPoint p = tx.getFirst();
            long end = Batches.TIME.plusSeconds(10).toEpochMilli() * 1_000_000L;
            assertEquals(end, p.getTimeUnixNano());
            assertEquals(end - 10_000_000_000L, p.getStartTimeUnixNano());
            assertEquals(3, metric(request, "cartograph.tcp.rtt").getHistogram().getDataPoints(0).getCount());
            assertEquals(2, metric(request, "cartograph.tcp.connection.failures").getSum().getDataPoints(0)
                    .getAsInt());
            assertEquals(3, metric(request, "cartograph.dns.queries").getSum().getDataPoints(0).getAsInt());

            deliver(sink, Batches.part(4, 2, List.of(Batches.flow(40000, "10.0.0.2", "db", 9, 9, 0, Map.of())),
                    List.of(), false));
            deliver(sink, Batches.part(6, 3, List.of(Batches.flow(40000, "10.0.0.2", "db", 11, 11, 0, Map.of())),
                    List.of(), true));
            assertEquals(2, METRICS.size(), "the interrupted interval goes out with the next whole one");
            List<Long> windows = METRICS.get(1).getResourceMetricsList().stream()
                    .flatMap(rm -> rm.getScopeMetricsList().stream()).flatMap(sm -> sm.getMetricsList().stream())
                    .filter(m -> m.getName().equals("cartograph.network.io"))
                    .flatMap(m -> m.getSum().getDataPointsList().stream()).map(NumberDataPoint::getTimeUnixNano)
                    .distinct().sorted().toList();
            assertEquals(List.of(end + 10_000_000_000L, end + 20_000_000_000L), windows);
            Map<String, Long> counters = sink.status().getFirst().counters();
            assertEquals(3L, counters.get("intervals_exported"));
            assertEquals(1L, counters.get("intervals_incomplete"));
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void aLastPartRetriedAfterAFailedExportIsNotSummedTwice() throws Exception {
        METRIC_FAILURES_LEFT.set(1);
        OtlpSink sink = new OtlpSink(TestConfig.of("http/protobuf", "http://127.0.0.1:" + http.getAddress().getPort(),
                false));
        try {
            deliver(sink, Batches.part(1, 1, List.of(Batches.flow(40000, "10.0.0.2", "db", 100, 1, 0, Map.of())),
                    List.of(), false));
            var last = Batches.part(2, 1, List.of(Batches.flow(40001, "10.0.0.2", "db", 20, 1, 0, Map.of())),
                    List.of(), true);
            SinkResult first = sink.deliver(last).toCompletableFuture().get(20, TimeUnit.SECONDS);
            assertEquals(SinkResult.Outcome.RETRYABLE_FAILURE, first.outcome());
            deliver(sink, last);
            assertEquals(1, METRICS.size());
            NumberDataPoint tx = metric(METRICS.getFirst(), "cartograph.network.io").getSum().getDataPointsList()
                    .stream().filter(p -> "transmit".equals(attributes(p.getAttributesList())
                            .get("network.io.direction").getStringValue())).findFirst().orElseThrow();
            assertEquals(120, tx.getAsInt());
            assertEquals(1L, sink.status().getFirst().counters().get("intervals_exported"));
        } finally {
            sink.deactivate();
        }
    }

    @Test
    void anOpenIntervalIsExportedWhenTheSinkStops() throws Exception {
        OtlpSink sink = new OtlpSink(TestConfig.of("grpc", "http://127.0.0.1:" + grpc.getPort(), false));
        deliver(sink, Batches.part(1, 1, List.of(Batches.flow(40000, "10.0.0.2", "db", 100, 1, 0, Map.of())),
                List.of(), false));
        assertEquals(0, METRICS.size());
        sink.deactivate();
        assertEquals(1, METRICS.size());
        assertEquals(100, metric(METRICS.getFirst(), "cartograph.network.io").getSum().getDataPointsList().stream()
                .filter(p -> "transmit".equals(attributes(p.getAttributesList()).get("network.io.direction")
                        .getStringValue())).findFirst().orElseThrow().getAsInt());
        assertEquals(1L, sink.status().getFirst().counters().get("intervals_incomplete"));
    }

    @Test
    void anUnreachableReceiverIsARetryableFailureOverBothProtocols() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        for (String protocol : new String[] {"grpc", "http/protobuf"}) {
            OtlpSink sink = new OtlpSink(TestConfig.of(protocol, "http://127.0.0.1:" + closed, false));
            try {
                SinkResult r = sink.deliver(Batches.batch(1, List.of(Batches.flow(40000, "10.0.0.2", "db", 1, 1, 0,
                        Map.of())), List.of())).toCompletableFuture().get(20, TimeUnit.SECONDS);
                assertEquals(SinkResult.Outcome.RETRYABLE_FAILURE, r.outcome(), protocol);
                assertTrue(r.message().contains("127.0.0.1:" + closed), r.message());
                ComponentStatus degraded = sink.status().getFirst();
                assertEquals(Health.DEGRADED, degraded.health(), protocol);
                assertEquals(r.message(), degraded.message(), protocol);
                assertEquals(1L, degraded.counters().get("export_failures"));

                SinkResult again = sink.deliver(Batches.batch(2, List.of(Batches.flow(40000, "10.0.0.2", "db", 1, 1,
                        0, Map.of())), List.of())).toCompletableFuture().get(20, TimeUnit.SECONDS);
                ComponentStatus still = sink.status().getFirst();
                assertEquals(again.message(), still.message(), "the message follows the last failure");
                assertEquals(degraded.since(), still.since(), "the same health keeps its since");
                assertEquals(2L, still.counters().get("export_failures"));
            } finally {
                sink.deactivate();
            }
        }
    }

    private static void deliver(OtlpSink sink, FlowBatch batch) throws Exception {
        SinkResult r = sink.deliver(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertEquals(SinkResult.Outcome.SUCCESS, r.outcome(), r.message());
    }

    /** Each series (resource, metric, point attributes) has exactly one point in the request. */
    private static void assertOnePointPerSeries(ExportMetricsServiceRequest request) {
        Set<List<Object>> series = new HashSet<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            rm.getScopeMetricsList().stream().flatMap(sm -> sm.getMetricsList().stream()).forEach(m -> {
                List<List<KeyValue>> points = switch (m.getDataCase()) {
                    case SUM -> m.getSum().getDataPointsList().stream().map(NumberDataPoint::getAttributesList).toList();
                    case HISTOGRAM -> m.getHistogram().getDataPointsList().stream()
                            .map(HistogramDataPoint::getAttributesList).toList();
                    case SUMMARY -> m.getSummary().getDataPointsList().stream()
                            .map(SummaryDataPoint::getAttributesList).toList();
                    default -> throw new AssertionError("unexpected " + m.getDataCase());
                };
                points.forEach(a -> assertTrue(series.add(List.of(rm.getResource(), m.getName(), attributes(a))),
                        "two points for " + m.getName() + " " + a));
            });
        }
        assertTrue(series.size() > 10, "series: " + series.size());
    }

    private static Metric metric(ExportMetricsServiceRequest request, String name) {
        return request.getResourceMetricsList().stream().flatMap(rm -> rm.getScopeMetricsList().stream())
                .flatMap(sm -> sm.getMetricsList().stream()).filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }

    private static Map<String, AnyValue> attributes(List<KeyValue> list) {
        Map<String, AnyValue> m = new HashMap<>();
        list.forEach(kv -> m.put(kv.getKey(), kv.getValue()));
        return m;
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
