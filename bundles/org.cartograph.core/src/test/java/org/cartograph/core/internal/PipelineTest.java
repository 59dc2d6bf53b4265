package org.cartograph.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.cartograph.capture.CaptureBackend;
import org.cartograph.capture.CaptureCapabilities;
import org.cartograph.capture.CaptureContext;
import org.cartograph.capture.CaptureException;
import org.cartograph.capture.CaptureStatus;
import org.cartograph.capture.ConnectionVisitor;
import org.cartograph.capture.DnsMonitor;
import org.cartograph.enrich.FlowTagger;
import org.cartograph.enrich.TagCollector;
import org.cartograph.flow.Direction;
import org.cartograph.flow.DnsStats;
import org.cartograph.flow.Flow;
import org.cartograph.flow.FlowBatch;
import org.cartograph.flow.IpAddress;
import org.cartograph.flow.Protocol;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineTest {

    /** A backend that may refuse to open and reports one connection with growing counters. */
    static class FakeBackend implements CaptureBackend {
        final String name;
        final int preference;
        volatile boolean refuse;
        boolean open;
        int opens;
        int closes;
        long bytes;
        final int lport;

        FakeBackend(String name, int preference, int lport) {
            this.name = name;
            this.preference = preference;
            this.lport = lport;
        }

        @Override public String name() { return name; }
        @Override public String group() { return "linux"; }
        @Override public int preference() { return preference; }
        @Override public CaptureCapabilities capabilities() { return new CaptureCapabilities(Set.of()); }

        @Override
        public void open(CaptureContext context) throws CaptureException {
            if (refuse) {
                throw new CaptureException(name + ": missing CAP_BPF");
            }
            open = true;
            opens++;
        }

        @Override public void start() { }

        @Override
        public void snapshot(ConnectionVisitor visitor) {
            bytes += 100;
            MutableConnection c = new MutableConnection().tuple(Protocol.TCP, IpAddress.parse("10.0.0.1"), lport,
                    IpAddress.parse("10.0.0.2"), 80);
            c.bytesSent = bytes;
            c.cookie = 1;
            visitor.visit(c);
        }

        @Override public void stop() { }

        @Override
        public void close() {
            open = false;
            closes++;
        }

        @Override
        public CaptureStatus status() {
            return new CaptureStatus(name, "fake", open, List.of(), Map.of(), "");
        }
    }

    static PipelineConfig config() {
        return config(10_000);
    }

    static PipelineConfig config(int maxFlowsPerBatch) {
        return (PipelineConfig) Proxy.newProxyInstance(PipelineConfig.class.getClassLoader(),
                new Class<?>[] {PipelineConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "interval_seconds" -> 3600;
                    case "host_name" -> "test-host";
                    case "max_tracked_connections" -> 1000;
                    case "closed_channel_size" -> 100;
                    case "expire_after_intervals" -> 2;
                    case "max_flows_per_batch" -> maxFlowsPerBatch;
                    case "annotationType" -> (Class<? extends Annotation>) PipelineConfig.class;
                    default -> m.getReturnType() == boolean.class ? Boolean.TRUE : m.getDefaultValue();
                });
    }

    final List<FlowBatch> published = new CopyOnWriteArrayList<>();
    final Pipeline pipeline = new Pipeline(published::add, config());

    @AfterEach
    void stop() {
        pipeline.deactivate();
    }

    @Test
    void theMostPreferredBackendThatOpensRunsTheOthersStandBy() {
        FakeBackend ebpf = new FakeBackend("ebpf", 100, 40000);
        FakeBackend netlink = new FakeBackend("netlink", 10, 40001);
        ebpf.refuse = true;
        pipeline.addBackend(ebpf);
        pipeline.addBackend(netlink);

        pipeline.runInterval();
        FlowBatch first = published.getLast();
        assertEquals(1, first.flows().size());
        assertEquals(40001, first.flows().getFirst().key().localPort(), "the fallback runs while eBPF cannot open");
        assertEquals(Health.DOWN, status("capture.ebpf").health());
        assertTrue(status("capture.ebpf").message().contains("missing CAP_BPF"));

        ebpf.refuse = false;
        pipeline.runInterval();
        FlowBatch second = published.getLast();
        assertEquals(40000, second.flows().getFirst().key().localPort(), "the preferred backend takes over");
        assertFalse(netlink.open, "the fallback is closed on standby");
        assertEquals("true", status("capture.netlink").attributes().get("standby"));
        assertEquals(Health.OK, status("capture.netlink").health());
        assertEquals(0L, status("capture.netlink").counters().get("tracker_memory_bytes"), "no engine on standby");
        assertTrue(status("capture.ebpf").counters().get("tracker_memory_bytes") > 0);
        assertEquals(2, second.sequence());
    }

    @Test
    void anIntervalWithMoreFlowsThanTheBatchSizeIsPublishedInPartsTheLastCarryingDns() {
        List<FlowBatch> parts = new CopyOnWriteArrayList<>();
        Pipeline small = new Pipeline(parts::add, config(3));
        try {
            FakeBackend many = new FakeBackend("ebpf", 100, 40000) {
                @Override
                public void snapshot(ConnectionVisitor visitor) {
                    for (int i = 0; i < 7; i++) {
                        MutableConnection c = new MutableConnection().tuple(Protocol.TCP, IpAddress.parse("10.0.0.1"),
                                40000 + i, IpAddress.parse("10.0.0.2"), 80);
                        c.bytesSent = 10;
                        c.cookie = i + 1;
                        visitor.visit(c);
                    }
                }
            };
            DnsStats dns = new DnsStats(IpAddress.parse("10.0.0.1"), IpAddress.parse("10.0.0.53"), "example.org", "A",
                    1, 0, Map.of("NOERROR", 1L), 100, 100, 100);
            small.addBackend(many);
            small.addDnsMonitor(new DnsMonitor() {
                @Override public String name() { return "dns"; }
                @Override public List<DnsStats> collect() { return List.of(dns); }
            });
            small.runInterval();

            assertEquals(List.of(3, 3, 1), parts.stream().map(b -> b.flows().size()).toList());
            assertEquals(List.of(1L, 2L, 3L), parts.stream().map(FlowBatch::sequence).toList());
            assertEquals(List.of(false, false, true), parts.stream().map(FlowBatch::lastOfInterval).toList());
            assertEquals(1, parts.stream().map(FlowBatch::time).distinct().count(), "the parts share the interval's time");
            assertEquals(List.of(0, 0, 1), parts.stream().map(b -> b.dns().size()).toList(), "DNS goes in the last part");
            assertEquals(7, parts.stream().flatMap(b -> b.flows().stream()).map(Flow::cookie).distinct().count());
            ComponentStatus st = small.status().getFirst();
            assertEquals(3L, st.counters().get("batches"));
            assertEquals(1L, st.counters().get("intervals"));
            assertEquals(7L, st.counters().get("flows"));
        } finally {
            small.deactivate();
        }
    }

    @Test
    void statusAnswersWhileAnIntervalWaitsForASink() throws Exception {
        CountDownLatch publishing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline waiting = new Pipeline(batch -> {
            publishing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, config(1));
        try {
            waiting.addBackend(new FakeBackend("ebpf", 100, 40000));
            Thread interval = Thread.ofPlatform().name("interval").start(waiting::runInterval);
            assertTrue(publishing.await(10, TimeUnit.SECONDS), "a part reached the publisher during the snapshot");
            List<ComponentStatus> status = assertTimeoutPreemptively(Duration.ofSeconds(10), waiting::status,
                    "status must not wait for the interval");
            assertEquals(1L, status.stream().filter(s -> s.component().equals("capture.ebpf")).findFirst()
                    .orElseThrow().counters().get("tracked"), "status read while the interval waits");
            release.countDown();
            interval.join(Duration.ofSeconds(10));
            assertFalse(interval.isAlive());
        } finally {
            release.countDown();
            waiting.deactivate();
        }
    }

    @Test
    void batchesCarryClassifiedTaggedFlows() {
        FakeBackend b = new FakeBackend("solo", 0, 45000);
        pipeline.addBackend(b);
        pipeline.addTagger(new FlowTagger() {
            @Override public String name() { return "t"; }

            @Override
            public void tag(Flow flow, TagCollector local, TagCollector remote) {
                local.add("process_name", "curl");
                remote.add("service", flow.key().remotePort() == 80 ? "web" : "other");
            }
        });
        pipeline.runInterval();
        pipeline.runInterval();
        FlowBatch last = published.getLast();
        Flow f = last.flows().getFirst();
        assertEquals(100, f.delta().bytesSent());
        assertEquals(200, f.cumulative().bytesSent());
        assertEquals(Direction.OUTGOING, f.direction(), "ephemeral local port to a well-known port");
        assertTrue(f.ephemeralLocalPort());
        assertFalse(f.intraHost());
        assertEquals("web", f.remoteTags().get("service"));
        assertEquals("curl", f.localTags().get("process_name"));
        assertEquals("test-host", last.host());
    }

    private ComponentStatus status(String component) {
        return pipeline.status().stream().filter(s -> s.component().equals(component)).findFirst().orElseThrow();
    }
}
