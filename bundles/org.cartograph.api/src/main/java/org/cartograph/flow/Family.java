package org.cartograph.flow;

/** Address family of a connection. */
public enum Family {
    /** IPv4, including IPv4 seen on a dual-stack socket as {@code ::ffff:a.b.c.d}. */
    V4,
    /** IPv6. */
    V6;

    /** @return the lower-case name used in exports, {@code v4} or {@code v6} */
    public String label() {
        return this == V4 ? "v4" : "v6";
    }
}
