package org.cartograph.ui.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Integrations switched off (PID {@value IntegrationsPlugin#PID}); the console plugin edits it. */
@ObjectClassDefinition(name = "Cartograph integrations",
        description = "Capture backends, metadata providers, mesh integrations and sinks that are switched off.")
public @interface IntegrationsConfig {

    /** @return DS component names of the integrations that are disabled */
    @AttributeDefinition(name = "Disabled integrations", description = "cartograph.integrations.disabled: DS component names")
    String[] disabled() default {};
}
