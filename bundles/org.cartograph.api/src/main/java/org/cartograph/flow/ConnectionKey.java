package org.cartograph.flow;

import java.util.Objects;

/**
 * Identity of a connection seen from the local host: protocol, both ends and the network
 * namespace the local socket lives in.
 *
 * @param protocol   TCP or UDP
 * @param localAddress the local address
 * @param localPort  the local port (0..65535)
 * @param remoteAddress the remote address
 * @param remotePort the remote port (0..65535)
 * @param netns      inode number of the local socket's network namespace, 0 if unknown
 */
public record ConnectionKey(Protocol protocol, IpAddress localAddress, int localPort,
                            IpAddress remoteAddress, int remotePort, long netns) {

    /** Checks that nothing is null and ports are in range. */
    public ConnectionKey {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        if ((localPort & ~0xFFFF) != 0 || (remotePort & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("port out of range: " + localPort + ", " + remotePort);
        }
    }

    /** @return the family of the local address */
    public Family family() {
        return localAddress.family();
    }

    @Override
    public String toString() {
        return protocol.label() + " " + localAddress + ":" + localPort + " -> " + remoteAddress + ":" + remotePort
                + (netns != 0 ? " netns=" + netns : "");
    }
}
