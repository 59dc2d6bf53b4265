/**
 * Configuration loading (system-probe.yaml, the {@code cartograph:} section and the environment,
 * into ConfigurationAdmin) and the deploy folder monitor. Not exported.
 */
package org.cartograph.config.internal;
