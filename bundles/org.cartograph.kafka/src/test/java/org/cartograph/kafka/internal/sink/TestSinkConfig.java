package org.cartograph.kafka.internal.sink;

import java.util.HashMap;
import java.util.Map;

import org.cartograph.kafka.internal.TestConfigs;

/** Builds a {@link KafkaSinkConfig} for constructing the sink directly in tests. */
record TestSinkConfig(Map<String, Object> values) {

    /** @return the annotation's defaults, with these servers, topic and spool directory */
    static TestSinkConfig of(String servers, String topic, String spoolDir) {
        return new TestSinkConfig(Map.of("bootstrap_servers", servers, "topic", topic, "client_id", "cartograph-test",
                "spool_dir", spoolDir, "max_backoff_seconds", 1));
    }

    /** @return a copy with this attribute (method name) set */
    TestSinkConfig with(String attribute, Object value) {
        Map<String, Object> v = new HashMap<>(values);
        v.put(attribute, value);
        return new TestSinkConfig(Map.copyOf(v));
    }

    TestSinkConfig withDeliveryTimeout(int seconds) {
        return with("delivery_timeout_seconds", seconds);
    }

    TestSinkConfig withSpoolMaxBatches(int batches) {
        return with("spool_max_batches", batches);
    }

    TestSinkConfig withMaxRecordBytes(int bytes) {
        return with("max_record_bytes", bytes);
    }

    /** @return the configuration */
    KafkaSinkConfig get() {
        return TestConfigs.of(KafkaSinkConfig.class, values);
    }
}
