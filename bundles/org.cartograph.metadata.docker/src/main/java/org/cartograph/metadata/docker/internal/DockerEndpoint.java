package org.cartograph.metadata.docker.internal;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * Where the Docker Engine API listens, parsed the way the Docker CLI reads {@code DOCKER_HOST}:
 * {@code unix:///path/docker.sock}, a bare socket path, or {@code tcp://host:port} (plain HTTP).
 *
 * @param address the socket address to connect to
 * @param text    the address as configured, for status and logs
 */
record DockerEndpoint(SocketAddress address, String text) {

    /** The default Docker socket. */
    static final String DEFAULT = "unix:///var/run/docker.sock";

    /**
     * @param text {@code unix://...}, {@code tcp://host:port} or an absolute socket path
     * @return the endpoint
     * @throws IllegalArgumentException naming the text if it is not one of those
     */
    static DockerEndpoint parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            t = DEFAULT;
        }
        if (t.startsWith("/")) {
            return new DockerEndpoint(UnixDomainSocketAddress.of(Path.of(t)), "unix://" + t);
        }
        if (t.startsWith("unix://")) {
            String path = t.substring("unix://".length());
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("Docker host '" + t + "' needs an absolute socket path");
            }
            return new DockerEndpoint(UnixDomainSocketAddress.of(Path.of(path)), t);
        }
        if (t.startsWith("tcp://") || t.startsWith("http://")) {
            URI uri = URI.create(t);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("Docker host '" + t + "' needs a host and a port");
            }
            return new DockerEndpoint(InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort()), t);
        }
        throw new IllegalArgumentException("Docker host '" + t + "' is neither unix://PATH nor tcp://HOST:PORT");
    }

    /**
     * Picks the endpoint as the Docker CLI does: {@code DOCKER_HOST} when set and not empty,
     * else the configured host.
     *
     * @param dockerHostEnv the value of {@code DOCKER_HOST}, or null
     * @param configured    the configured host
     * @return the endpoint
     */
    static DockerEndpoint select(String dockerHostEnv, String configured) {
        if (dockerHostEnv != null && !dockerHostEnv.isBlank()) {
            return parse(dockerHostEnv);
        }
        return parse(configured);
    }
}
