package org.cartograph.ui.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/** The service properties of a Felix inventory printer ({@code felix.inventory.printer.*}), for support bundles. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface InventoryPrinterProperties {

    /** The property prefix. */
    String PREFIX_ = "felix.inventory.printer.";

    /** @return the printer's name */
    String name();

    /** @return its title */
    String title();

    /** @return the formats it prints */
    String[] format();
}
