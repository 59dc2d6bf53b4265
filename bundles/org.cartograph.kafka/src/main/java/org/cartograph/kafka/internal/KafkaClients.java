package org.cartograph.kafka.internal;

import java.util.function.Supplier;

/**
 * Creates Kafka clients inside OSGi. The Kafka client loads the classes named in its
 * configuration through the thread's context class loader; this bundle's own loader is set
 * for the time of the call, so the embedded client finds its own classes.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    /**
     * @param factory creates a producer, consumer or admin client
     * @return what the factory returned
     */
    public static <T> T create(Supplier<T> factory) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(KafkaClients.class.getClassLoader());
        try {
            return factory.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /**
     * @param servers a comma-separated list of {@code host:port}
     * @return the list, stripped
     * @throws IllegalArgumentException naming the setting if it is empty
     */
    public static String requireServers(String servers) {
        String s = servers == null ? "" : servers.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("bootstrap.servers is required, e.g. kafka-1:9092,kafka-2:9092");
        }
        return s;
    }
}
