package org.cartograph.kafka.internal.collector;

import java.lang.annotation.Annotation;

/** A {@link KafkaCollectorConfig} for constructing the collector directly in tests. */
record TestCollectorConfig(String bootstrap_servers, String topic, String group_id, String client_id,
                           String auto_offset_reset, int max_poll_records, int session_timeout_ms)
        implements KafkaCollectorConfig {

    /** @return the annotation's defaults, with these servers, topic and group */
    static TestCollectorConfig of(String servers, String topic, String group) {
        return new TestCollectorConfig(servers, topic, group, "cartograph-test-collector", "earliest", 50, 10000);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return KafkaCollectorConfig.class;
    }
}
