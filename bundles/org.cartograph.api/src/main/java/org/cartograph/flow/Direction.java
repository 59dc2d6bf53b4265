package org.cartograph.flow;

/** Which end opened a connection, seen from the local host. */
public enum Direction {
    /** The remote end connected to a local listener (accept). */
    INCOMING,
    /** The local end connected out (connect). */
    OUTGOING,
    /** Both ends are on this host and in the same network namespace. */
    LOCAL,
    /** Not known, e.g. unconnected UDP or a connection that predates the agent. */
    NONE;

    /** @return the lower-case name used in exports */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
