package org.cartograph.ui.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/** The service properties that make a servlet a Felix Web Console plugin ({@code felix.webconsole.*}). */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface ConsolePluginProperties {

    /** The property prefix. */
    String PREFIX_ = "felix.webconsole.";

    /** @return the plugin's path under {@code /system/console} */
    String label();

    /** @return the menu title */
    String title();

    /** @return the menu category */
    String category();
}
