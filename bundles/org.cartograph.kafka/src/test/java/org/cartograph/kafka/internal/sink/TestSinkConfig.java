package org.cartograph.kafka.internal.sink;

import java.lang.annotation.Annotation;

/** A {@link KafkaSinkConfig} for constructing the sink directly in tests. */
record TestSinkConfig(String bootstrap_servers, String topic, String client_id, String compression, String data_dir,
                      String spool_dir, int spool_max_mb, int spool_max_batches, int delivery_timeout_seconds,
                      int max_backoff_seconds, int max_record_bytes) implements KafkaSinkConfig {

    /** @return the annotation's defaults, with these servers, topic and spool directory */
    static TestSinkConfig of(String servers, String topic, String spoolDir) {
        return new TestSinkConfig(servers, topic, "cartograph-test", "lz4", "data", spoolDir, 256, 8640, 30, 1,
                900000);
    }

    TestSinkConfig withDeliveryTimeout(int seconds) {
        return new TestSinkConfig(bootstrap_servers, topic, client_id, compression, data_dir, spool_dir, spool_max_mb,
                spool_max_batches, seconds, max_backoff_seconds, max_record_bytes);
    }

    TestSinkConfig withSpoolMaxBatches(int batches) {
        return new TestSinkConfig(bootstrap_servers, topic, client_id, compression, data_dir, spool_dir, spool_max_mb,
                batches, delivery_timeout_seconds, max_backoff_seconds, max_record_bytes);
    }

    TestSinkConfig withMaxRecordBytes(int bytes) {
        return new TestSinkConfig(bootstrap_servers, topic, client_id, compression, data_dir, spool_dir, spool_max_mb,
                spool_max_batches, delivery_timeout_seconds, max_backoff_seconds, bytes);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return KafkaSinkConfig.class;
    }
}
