package io.txinsight.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A keystore holding a fresh self-signed certificate for {@code 127.0.0.1} (as IP subject
 * alternative name, so clients verify the host name as they do by default) and a truststore
 * holding that certificate: what a broker on loopback needs for TLS, and what its clients need to
 * trust it. Made with the JDK's own {@code keytool}, so no extra library and no files in the
 * repository; both stores share one password.
 *
 * <pre>{@code
 * TlsFiles tls = TlsFiles.selfSigned(tempDir, "broker");
 * EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.startSecured(tls, "txinsight", "secret");
 * // clients: ssl.truststore.location=tls.truststore(), ssl.truststore.password=tls.password()
 * }</pre>
 *
 * @param keystore PKCS12 keystore with the private key and certificate, for the broker
 * @param truststore JKS truststore with the certificate only (Kafka's default truststore type)
 * @param password the password of both stores and of the key
 */
public record TlsFiles(Path keystore, Path truststore, String password) {

    /** A new key pair and certificate named {@code name}, written under {@code dir}. */
    public static TlsFiles selfSigned(Path dir, String name) {
        String password = name + "-store-password";
        Path keystore = dir.resolve(name + "-keystore.p12");
        Path certificate = dir.resolve(name + ".crt");
        Path truststore = dir.resolve(name + "-truststore.jks");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1, O=txinsight test " + name, "-ext", "SAN=IP:127.0.0.1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keystore.toString(), "-storepass", password,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", name, "-file", certificate.toString(),
                "-keystore", truststore.toString(), "-storetype", "JKS", "-storepass", password);
        return new TlsFiles(keystore, truststore, password);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running keytool", e);
        }
    }
}
