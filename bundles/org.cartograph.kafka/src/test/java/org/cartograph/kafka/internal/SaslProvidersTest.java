package org.cartograph.kafka.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.Provider;
import java.security.Security;

import org.junit.jupiter.api.Test;

/** The JVM-wide providers the bundle's classes registered are removed when it stops; the JDK's stay. */
class SaslProvidersTest {

    /** A provider loaded by the same class loader as the bundle's classes, as Kafka's SCRAM provider is. */
    private static final class BundleProvider extends Provider {
        BundleProvider() {
            super("cartograph-test-provider", "1.0", "test");
        }
    }

    @Test
    void removesOnlyTheBundlesProviders() {
        Security.addProvider(new BundleProvider());
        assertNotNull(Security.getProvider("cartograph-test-provider"));
        new SaslProviders().deactivate();
        assertNull(Security.getProvider("cartograph-test-provider"), "the bundle's provider is gone");
        assertNotNull(Security.getProvider("SunJSSE"), "the JDK's providers stay");
    }
}
