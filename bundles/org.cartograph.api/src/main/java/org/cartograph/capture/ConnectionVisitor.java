package org.cartograph.capture;

import org.osgi.annotation.versioning.ProviderType;

/** Receives connections one at a time; implemented by the core. */
@ProviderType
@FunctionalInterface
public interface ConnectionVisitor {

    /**
     * @param connection a view valid only during this call; read it, do not keep it
     */
    void visit(ConnectionView connection);
}
