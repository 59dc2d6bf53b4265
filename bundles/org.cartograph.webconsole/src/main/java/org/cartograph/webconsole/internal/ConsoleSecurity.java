package org.cartograph.webconsole.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.cartograph.status.ComponentStatus;
import org.cartograph.status.Health;
import org.cartograph.status.StatusContributor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Guards the Felix Web Console with HTTP Basic authentication against Cartograph's credentials.
 * The runtime sets {@code felix.webconsole.security.providers=cartograph}, so the console refuses
 * every request until this provider is registered: its built-in default password is never active.
 */
@Component(configurationPid = "org.cartograph.webconsole",
        service = {SecurityProvider.class, StatusContributor.class, ConsoleSecurity.class},
        property = SecurityProvider.PROPERTY_ID + "=cartograph")
@Designate(ocd = ConsoleConfig.class)
public final class ConsoleSecurity implements SecurityProvider, StatusContributor {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);
    private static final String REALM = "Cartograph";

    private final Credentials credentials;

    @Activate
    public ConsoleSecurity(ConsoleConfig config) {
        try {
            credentials = Credentials.resolve(config.user(), config.password(), Path.of(config.data_dir()).toAbsolutePath(),
                    System.out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or store console credentials under " + config.data_dir(), e);
        }
        LOG.info("console guarded for user '{}' (credentials from {})", credentials.user(), credentials.origin());
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        String user = check(request.getHeader("Authorization"));
        if (user != null) {
            return user;
        }
        challenge(response);
        return null;
    }

    /**
     * @param authorization the request's Authorization header, may be null
     * @return the user name if the header carries the right credentials, else null
     */
    String check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        return credentials.matches(user, decoded.substring(colon + 1)) ? user : null;
    }

    static void challenge(HttpServletResponse response) {
        try {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        } catch (IOException e) {
            LOG.debug("cannot send the authentication challenge: {}", e.toString());
        }
    }

    @Override
    public boolean authorize(Object user, String role) {
        return user != null;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // Basic authentication has no server-side session to end.
    }

    @Override
    public List<ComponentStatus> status() {
        return List.of(new ComponentStatus("console", Health.OK, "", Map.of(),
                Map.of("user", credentials.user(), "credentials", credentials.origin()), null));
    }
}
