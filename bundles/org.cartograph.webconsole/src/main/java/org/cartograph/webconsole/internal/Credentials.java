package org.cartograph.webconsole.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Properties;

/**
 * The console's user and password. Either configured, or generated once (24 random characters),
 * printed once, and stored in {@code DATA_DIR/console-credentials.properties} readable by the owner
 * only; later starts read the stored ones. The password never reaches a log.
 */
final class Credentials {

    static final String FILE_NAME = "console-credentials.properties";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final String user;
    private final byte[] password;
    private final String origin;

    private Credentials(String user, String password, String origin) {
        this.user = user;
        this.password = password.getBytes(StandardCharsets.UTF_8);
        this.origin = origin;
    }

    /**
     * @param user          configured user
     * @param password      configured password, empty to use the stored or a generated one
     * @param dataDir       where generated credentials are stored
     * @param announce      where a newly generated password is printed, once
     * @return the credentials
     * @throws IOException if the stored file cannot be read or written
     */
    static Credentials resolve(String user, String password, Path dataDir, PrintStream announce) throws IOException {
        if (!password.isEmpty()) {
            return new Credentials(user, password, "configuration");
        }
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            String u = p.getProperty("user", "");
            String pw = p.getProperty("password", "");
            if (!u.isEmpty() && !pw.isEmpty()) {
                return new Credentials(u, pw, file.toString());
            }
        }
        String generated = generate();
        store(file, user, generated);
        announce.println("Cartograph console: user '" + user + "', generated password '" + generated + "'"
                + " (shown once; stored owner-read-only in " + file + "; set cartograph.console.password to choose your own)");
        announce.flush();
        return new Credentials(user, generated, file.toString());
    }

    private static String generate() {
        SecureRandom rnd = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static void store(Path file, String user, String password) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".credentials", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "Cartograph console credentials (generated)");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Compares in constant time.
     *
     * @param u a user name
     * @param pw a password
     * @return whether both match
     */
    boolean matches(String u, String pw) {
        boolean userOk = MessageDigest.isEqual(user.getBytes(StandardCharsets.UTF_8), u.getBytes(StandardCharsets.UTF_8));
        boolean pwOk = MessageDigest.isEqual(password, pw.getBytes(StandardCharsets.UTF_8));
        return userOk & pwOk;
    }

    String user() {
        return user;
    }

    /** @return where the credentials come from (never the password) */
    String origin() {
        return origin;
    }
}
