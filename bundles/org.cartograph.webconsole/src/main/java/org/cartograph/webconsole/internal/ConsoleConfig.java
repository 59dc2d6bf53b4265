package org.cartograph.webconsole.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Console credentials and where they are kept (PID {@code org.cartograph.webconsole}). */
@ObjectClassDefinition(name = "Cartograph console",
        description = "Credentials guarding the Web Console (and the UI). With no password configured, one is generated on first start, printed once and stored owner-read-only in the data directory.")
@interface ConsoleConfig {

    @AttributeDefinition(name = "User", description = "cartograph.console.user / CARTOGRAPH_CONSOLE_USER")
    String user() default "admin";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD,
            description = "cartograph.console.password / CARTOGRAPH_CONSOLE_PASSWORD; empty: generated")
    String password() default "";

    @AttributeDefinition(name = "Data directory", description = "cartograph.data_dir / CARTOGRAPH_DATA_DIR")
    String data_dir() default "data";
}
