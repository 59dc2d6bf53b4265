package org.cartograph.store.internal;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * An embedded Jetty on a loopback port serving servlets by pattern, standing in for the OSGi HTTP
 * whiteboard in tests; and a security provider that accepts one Basic user, as the console's does.
 */
public final class TestServer implements AutoCloseable {

    /** The user the test security provider accepts. */
    public static final String USER = "admin";
    /** Its password. */
    public static final String PASSWORD = "s3cret-test";

    private final Server server;

    /**
     * @param servlets servlets by whiteboard pattern ({@code /api/v1/*}, {@code /})
     * @throws Exception if Jetty cannot start
     */
    public TestServer(Map<String, Servlet> servlets) throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        servlets.forEach((pattern, servlet) -> context.addServlet(new ServletHolder(servlet), pattern));
        server.setHandler(context);
        server.start();
    }

    /** @return the base URI, e.g. {@code http://127.0.0.1:41234} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    }

    /** @return the Authorization header value for {@link #USER} */
    public static String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** @return a provider that accepts {@link #USER} with Basic authentication and challenges anyone else */
    public static SecurityProvider security() {
        return new SecurityProvider() {
            @Override
            public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
                if (authorization().equals(request.getHeader("Authorization"))) {
                    return USER;
                }
                try {
                    response.setHeader("WWW-Authenticate", "Basic realm=\"Cartograph\"");
                    response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return null;
            }

            @Override
            public boolean authorize(Object user, String role) {
                return user != null;
            }

            @Override
            public void logout(HttpServletRequest request, HttpServletResponse response) {
                // nothing to end with Basic authentication
            }
        };
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
