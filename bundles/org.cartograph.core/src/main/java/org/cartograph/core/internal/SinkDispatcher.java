package org.cartograph.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.cartograph.flow.FlowBatch;
import org.cartograph.sink.BatchPublisher;
import org.cartograph.sink.FlowSink;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans each batch out to one {@link SinkChannel} per sink name. Sinks come and go as services;
 * a channel stays for the grace period after its sink leaves so that a replacement (a new
 * version dropped into {@code deploy/}, a reconfigured instance) gets the batches queued
 * meanwhile.
 */
@Component(configurationPid = "org.cartograph.core.sinks", service = {BatchPublisher.class, StatusContributor.class})
@Designate(ocd = SinkConfig.class)
public final class SinkDispatcher implements BatchPublisher, StatusContributor {

    private static final Logger LOG = LoggerFactory.getLogger(SinkDispatcher.class);

    private final Map<String, SinkChannel> channels = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;
    private final SinkConfig config;

    @Activate
    public SinkDispatcher(SinkConfig config) {
        this.config = config;
        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "cartograph-sink-janitor"));
        janitor.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        janitor.shutdownNow();
        channels.values().forEach(SinkChannel::close);
        channels.clear();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSink(FlowSink sink) {
        String name = sink.name();
        channels.compute(name, (n, existing) -> {
            SinkChannel ch = existing != null ? existing : newChannel(n);
            ch.attach(sink);
            return ch;
        });
        LOG.info("sink {} attached", name);
    }

    void removeSink(FlowSink sink) {
        for (SinkChannel ch : channels.values()) {
            if (ch.detach(sink)) {
                LOG.info("sink {} detached; its queue waits {}s for a replacement", ch.name(), config.swap_grace_seconds());
            }
        }
    }

    private SinkChannel newChannel(String name) {
        return new SinkChannel(name, config.queue_capacity(), config.queue_max_flows(),
                Duration.ofMillis(config.max_block_millis()), Duration.ofSeconds(config.delivery_timeout_seconds()),
                Duration.ofSeconds(config.max_backoff_seconds()));
    }

    @Override
    public void publish(FlowBatch batch) {
        for (SinkChannel ch : channels.values()) {
            ch.offer(batch, null);
        }
    }

    @Override
    public CompletionStage<Void> publishTracked(FlowBatch batch) {
        List<SinkChannel> targets = List.copyOf(channels.values());
        DeliveryTracker tracker = new DeliveryTracker(targets.size());
        for (SinkChannel ch : targets) {
            ch.offer(batch, tracker);
        }
        return tracker.stage();
    }

    void expire() {
        expireAt(Instant.now());
    }

    /** Forgets the channels whose sink left longer than the grace period before {@code now}. */
    void expireAt(Instant now) {
        Duration grace = Duration.ofSeconds(config.swap_grace_seconds());
        for (String name : channels.keySet()) {
            channels.computeIfPresent(name, (n, ch) -> ch.expireIfAbandoned(now, grace) ? null : ch);
        }
    }

    @Override
    public List<ComponentStatus> status() {
        List<ComponentStatus> out = new ArrayList<>();
        for (SinkChannel ch : channels.values()) {
            out.add(ch.status());
        }
        return out;
    }
}
