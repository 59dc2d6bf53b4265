package org.cartograph.kafka.internal;

import java.security.Provider;
import java.security.Security;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, when this bundle stops, the JCA security providers that the embedded Kafka client
 * registered JVM-wide (the SCRAM and PLAIN SASL providers, added once by its login modules). Left
 * in place they would keep this bundle revision's class loader alive after an update, and the
 * next revision's client could not register its own providers under the same names.
 */
@Component(service = {})
public final class SaslProviders {

    private static final Logger LOG = LoggerFactory.getLogger(SaslProviders.class);

    /** Removes the providers whose classes this bundle loaded. */
    @Deactivate
    void deactivate() {
        ClassLoader own = SaslProviders.class.getClassLoader();
        for (Provider p : Security.getProviders()) {
            if (p.getClass().getClassLoader() == own) {
                Security.removeProvider(p.getName());
                LOG.debug("removed the security provider {}", p.getName());
            }
        }
    }
}
