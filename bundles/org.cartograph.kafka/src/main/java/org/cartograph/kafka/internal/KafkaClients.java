package org.cartograph.kafka.internal;

import java.util.function.Supplier;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Creates Kafka clients inside OSGi. The Kafka client loads the classes named in its
 * configuration through the thread's context class loader, and JAAS loads the SASL login module
 * ({@code sasl.jaas.config}) through the context class loader of the thread that builds the
 * client; this bundle's own loader is set for the time of the call, so the embedded client finds
 * its own classes. The client's network threads are started during the call and inherit it.
 */
public final class KafkaClients {

    /** How {@link #describe} starts the text of a failure that the brokers refused this client for. */
    private static final String[] REFUSALS = {"authentication failed", "TLS handshake failed", "not authorized"};

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

    /**
     * @param failure why a client call failed
     * @return one line for status and logs: authentication, TLS and authorisation failures
     *         named as such (their messages never contain a password), others as class and message
     */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return REFUSALS[1] + ": " + rootMessage(t);
            }
            if (t instanceof AuthenticationException) {
                return REFUSALS[0] + ": " + t.getMessage();
            }
            if (t instanceof AuthorizationException) {
                return REFUSALS[2] + ": " + t.getMessage();
            }
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    /**
     * @param described a text made by {@link #describe}
     * @return whether it says that the brokers refused this client (credentials, certificates, ACLs)
     */
    public static boolean isRefusal(String described) {
        for (String r : REFUSALS) {
            if (described.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }
}
