package org.cartograph.testkit.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made with the
 * JDK's {@code keytool} (three runs, a second or two): a PKCS12 key store with its key, the
 * certificate as PEM, and a PKCS12 truststore holding it. The broker and its clients (for mutual
 * TLS) use the same key store, and each trusts the certificate directly. All stores share one
 * password.
 *
 * @param dir         where the files are
 * @param password    the password of every store and key
 * @param certificate the certificate, PEM
 * @param truststore  a PKCS12 truststore holding the certificate
 * @param keystore    a PKCS12 key store with the key and the certificate
 */
public record TestPki(Path dir, String password, Path certificate, Path truststore, Path keystore) {

    /**
     * @param dir an empty directory
     * @return the stores, written there
     * @throws IOException if keytool fails; the message has its output
     */
    public static TestPki create(Path dir) throws IOException, InterruptedException {
        String pw = "test-store-" + Long.toHexString(System.nanoTime());
        Path keystore = dir.resolve("keystore.p12");
        Path pem = dir.resolve("certificate.pem");
        Path truststore = dir.resolve("truststore.p12");
        keytool(dir, "-genkeypair", "-alias", "kafka", "-dname", "CN=localhost", "-keyalg", "EC", "-groupname",
                "secp256r1", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore",
                keystore.toString(), "-storetype", "PKCS12", "-storepass", pw);
        keytool(dir, "-exportcert", "-rfc", "-alias", "kafka", "-keystore", keystore.toString(), "-storepass", pw,
                "-file", pem.toString());
        keytool(dir, "-importcert", "-noprompt", "-alias", "kafka", "-file", pem.toString(), "-keystore",
                truststore.toString(), "-storetype", "PKCS12", "-storepass", pw);
        return new TestPki(dir, pw, pem, truststore, keystore);
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path keytool = java.getParent() == null ? Path.of("keytool") : java.getParent().resolve("keytool");
        List<String> cmd = new ArrayList<>();
        cmd.add(keytool.toString());
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.add("-J-Xshare:auto");
        cmd.addAll(List.of(args));
        Path log = dir.resolve("keytool.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed (" + p.exitValue() + "): " + Files.readString(log));
        }
    }
}
