package org.cartograph.status;

/** How a component is doing. */
public enum Health {
    /** Working. */
    OK,
    /** Starting or waiting for something (configuration, a peer) that is expected to come. */
    STARTING,
    /** Working with less than it should (a fallback, drops, retries). */
    DEGRADED,
    /** Not working. */
    DOWN
}
