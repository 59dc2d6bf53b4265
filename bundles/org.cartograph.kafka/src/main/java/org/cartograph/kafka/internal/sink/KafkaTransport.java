package org.cartograph.kafka.internal.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cartograph.kafka.internal.KafkaClients;
import org.cartograph.kafka.internal.KafkaSecurity;
import org.cartograph.kafka.internal.schema.BatchCodec;

/**
 * Sends records with an idempotent Kafka producer ({@code acks=all}, compressed). A producer
 * that reports a fatal error is closed and a new one is made for the next record. Used by the
 * sender's thread only.
 */
final class KafkaTransport implements RecordTransport {

    /** The header that names the value's schema. */
    static final String SCHEMA_HEADER = "cartograph.schema";

    private final Properties properties;
    private final String topic;
    private final byte[] schema = BatchCodec.MESSAGE_TYPE.getBytes(StandardCharsets.UTF_8);
    /** Confined to the sender's thread, except in close. */
    private volatile KafkaProducer<String, byte[]> producer;
    private volatile boolean broken;
    private volatile boolean closed;

    /**
     * @param servers         bootstrap servers
     * @param topic           the topic
     * @param clientId        the client id
     * @param compression     {@code lz4}, {@code gzip} or {@code none}
     * @param deliveryTimeout how long the producer tries one record
     * @param maxMessageBytes the largest record sent
     * @param security        TLS and SASL settings
     * @throws IllegalArgumentException if a security setting is missing or unreadable
     */
    KafkaTransport(String servers, String topic, String clientId, String compression, Duration deliveryTimeout,
                   int maxMessageBytes, KafkaSecurity security) {
        this.topic = topic;
        long delivery = Math.max(2000, deliveryTimeout.toMillis());
        properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(30_000, delivery / 2)));
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(delivery));
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(delivery / 2));
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxMessageBytes));
        properties.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
        properties.put(ProducerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        security.applyTo(properties);
    }

    @Override
    public CompletionStage<Void> send(String key, byte[] value) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            record.headers().add(SCHEMA_HEADER, schema);
            producer().send(record, (metadata, e) -> {
                if (e == null) {
                    result.complete(null);
                } else {
                    noteFatal(e);
                    result.completeExceptionally(e);
                }
            });
        } catch (KafkaException e) {
            noteFatal(e);
            result.completeExceptionally(e);
        } catch (IllegalStateException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public boolean isPermanent(Throwable failure) {
        return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
                || failure instanceof InvalidTopicException;
    }

    @Override
    public void close() {
        closed = true;
        closeProducer();
    }

    private void closeProducer() {
        KafkaProducer<String, byte[]> p = producer;
        producer = null;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (closed) {
            throw new IllegalStateException("the Kafka sink is stopping");
        }
        if (broken) {
            closeProducer();
            broken = false;
        }
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            p = KafkaClients.create(() -> new KafkaProducer<>(properties, new StringSerializer(),
                    new ByteArraySerializer()));
            producer = p;
        }
        return p;
    }

    private void noteFatal(Exception e) {
        if (!(e instanceof RetriableException) && !isPermanent(e)) {
            broken = true;
        }
    }
}
