package org.cartograph.flow;

/** Transport protocol of a connection. */
public enum Protocol {
    /** TCP. */
    TCP,
    /** UDP (connected sockets and datagram peers alike). */
    UDP;

    /** @return the lower-case name used in exports, {@code tcp} or {@code udp} */
    public String label() {
        return this == TCP ? "tcp" : "udp";
    }
}
