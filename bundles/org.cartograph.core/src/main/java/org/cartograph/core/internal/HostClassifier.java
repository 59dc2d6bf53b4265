package org.cartograph.core.internal;

import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.cartograph.flow.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows this host's addresses and ephemeral port range, to mark flows intra-host and ports
 * ephemeral. {@link #refresh()} re-reads both (the pipeline does so once a minute); lookups read
 * an immutable snapshot and are safe from any thread.
 */
final class HostClassifier {

    private static final Logger LOG = LoggerFactory.getLogger(HostClassifier.class);
    private static final Path PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private volatile Set<IpAddress> localAddresses = Set.of();
    private volatile int ephemeralLow = 32768;
    private volatile int ephemeralHigh = 60999;

    /** Re-reads interface addresses and the ephemeral port range; keeps the old values on error. */
    void refresh() {
        Set<IpAddress> found = new HashSet<>();
        try {
            NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .forEach(a -> found.add(IpAddress.of(a)));
            localAddresses = Set.copyOf(found);
        } catch (SocketException e) {
            LOG.warn("cannot list network interfaces, keeping {} known addresses: {}", localAddresses.size(), e.toString());
        }
        if (Files.isReadable(PORT_RANGE)) {
            // procfs reports a misleading size: read as a stream, not with Files.readString
            try (var in = Files.newInputStream(PORT_RANGE)) {
                String[] parts = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip().split("\\s+");
                setEphemeralRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot read {}, keeping {}-{}: {}", PORT_RANGE, ephemeralLow, ephemeralHigh, e.toString());
            }
        }
    }

    void setEphemeralRange(int low, int high) {
        ephemeralLow = low;
        ephemeralHigh = high;
    }

    void setLocalAddresses(Set<IpAddress> addresses) {
        localAddresses = Set.copyOf(addresses);
    }

    /**
     * @param remote the remote address of a connection
     * @return whether it is loopback or one of this host's addresses
     */
    boolean isIntraHost(IpAddress remote) {
        return remote.isLoopback() || localAddresses.contains(remote);
    }

    /**
     * @param port a local port
     * @return whether it lies in the ephemeral range
     */
    boolean isEphemeral(int port) {
        return port >= ephemeralLow && port <= ephemeralHigh;
    }
}
