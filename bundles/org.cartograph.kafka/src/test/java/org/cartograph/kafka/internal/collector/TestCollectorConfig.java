package org.cartograph.kafka.internal.collector;

import java.util.HashMap;
import java.util.Map;

import org.cartograph.kafka.internal.TestConfigs;

/** Builds a {@link KafkaCollectorConfig} for constructing the collector directly in tests. */
record TestCollectorConfig(Map<String, Object> values) {

    /** @return the annotation's defaults, with these servers, topic and group and a 10 s session timeout */
    static TestCollectorConfig of(String servers, String topic, String group) {
        return new TestCollectorConfig(Map.of("bootstrap_servers", servers, "topic", topic, "group_id", group,
                "client_id", "cartograph-test-collector", "session_timeout_ms", 10000));
    }

    /** @return a copy with this attribute (method name) set */
    TestCollectorConfig with(String attribute, Object value) {
        Map<String, Object> v = new HashMap<>(values);
        v.put(attribute, value);
        return new TestCollectorConfig(Map.copyOf(v));
    }

    /** @return the configuration */
    KafkaCollectorConfig get() {
        return TestConfigs.of(KafkaCollectorConfig.class, values);
    }
}
