package io.txinsight.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;

/**
 * Asks a Kafka cluster, once and before anything starts, whether it accepts a command's client
 * settings: the credentials, the certificate it presents, the settings themselves. Every command
 * that talks to Kafka (the job, the replayer, the simulator, the validator) calls it first, so a
 * wrong password or an untrusted certificate is one sentence naming the option to fix. Without
 * it, the job's Kafka source retries forever and logs a stack trace each time, and the tools fail
 * somewhere inside their producers and consumers.
 *
 * <p>A cluster that does not answer in time is not an error here: the commands wait for Kafka as
 * they always have, and say so in their own words.
 */
public final class KafkaAccessCheck {

    /** How long the check waits for a broker to answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    /** How a command spells the option that sets one Kafka client property, e.g. {@code --kafka.<key>}. */
    @FunctionalInterface
    public interface OptionSpelling {
        String of(String property);
    }

    /** The cluster refused the settings; the message names the option to fix. */
    public static final class AccessDeniedException extends Exception {
        private static final long serialVersionUID = 1L;

        AccessDeniedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What the check found out.
     *
     * @param clusterId the id of the cluster that answered; empty if none did
     * @param notChecked why access could not be checked (no broker answered in time, or a
     *     truststore or keystore is not on this machine); empty when the cluster answered
     */
    public record Access(Optional<String> clusterId, Optional<String> notChecked) {
        static Access notChecked(String why) {
            return new Access(Optional.empty(), Optional.of(why));
        }
    }

    private KafkaAccessCheck() {}

    /**
     * Connects with {@code properties} and asks for the cluster's brokers and id.
     *
     * @throws AccessDeniedException when the cluster refused the credentials or the certificate, or
     *     the settings are invalid
     */
    public static Access check(
            String bootstrapServers, Map<String, String> properties, Duration timeout, OptionSpelling options)
            throws AccessDeniedException {
        for (String store : new String[] {"ssl.truststore.location", "ssl.keystore.location"}) {
            String location = properties.get(store);
            if (location != null && !Files.isRegularFile(Path.of(location))) {
                // With `flink run` the job's main method runs on the submitting machine, and the
                // stores may exist only where the job's tasks run.
                return Access.notChecked(options.of(store) + " names " + location + ", which is not on this machine");
            }
        }
        Properties p = new Properties();
        Set<String> adminKeys = AdminClientConfig.configNames();
        properties.forEach((k, v) -> {
            if (adminKeys.contains(k) || k.startsWith("config.providers")) {
                p.setProperty(k, v);
            }
        });
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "txinsight-access-check");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        try (Admin admin = Admin.create(p)) {
            DescribeClusterResult cluster =
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            cluster.nodes().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return new Access(Optional.ofNullable(cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS)),
                    Optional.empty());
        } catch (ExecutionException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            Optional<String> denied = explain(cause, bootstrapServers, options);
            if (denied.isPresent()) {
                throw new AccessDeniedException(denied.get(), cause);
            }
            return Access.notChecked("no Kafka broker answered at " + bootstrapServers + " within "
                    + timeout.toSeconds() + " s (" + rootMessage(cause) + ")");
        } catch (TimeoutException e) {
            return Access.notChecked("no Kafka broker answered at " + bootstrapServers + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Access.notChecked("interrupted while checking Kafka access");
        }
    }

    /**
     * The sentence for a failure that comes from the client settings (credentials, certificate,
     * an invalid setting), naming the option to fix; empty for any other failure. Also for
     * failures met later, inside a producer or consumer.
     */
    public static Optional<String> explain(Throwable failure, String bootstrapServers, OptionSpelling options) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnsupportedSaslMechanismException) {
                return Optional.of("Kafka at " + bootstrapServers + " does not offer the SASL mechanism asked for ("
                        + rootMessage(t) + "). Fix " + options.of("sasl.mechanism") + ".");
            }
            if (t instanceof SaslAuthenticationException) {
                return Optional.of("Kafka at " + bootstrapServers + " rejected the SASL login: " + rootMessage(t)
                        + ". Fix the user name or password in " + options.of("sasl.jaas.config") + ".");
            }
            if (t instanceof SslAuthenticationException) {
                return Optional.of("the TLS handshake with Kafka at " + bootstrapServers + " failed: this client does not "
                        + "trust the broker's certificate (" + rootMessage(t) + "). Fix "
                        + options.of("ssl.truststore.location") + ": it must name a truststore that holds the broker's "
                        + "certificate or the CA that signed it.");
            }
            if (t instanceof AuthenticationException) {
                return Optional.of("Kafka at " + bootstrapServers + " refused this client: " + rootMessage(t) + ". Check "
                        + options.of("security.protocol") + ", " + options.of("sasl.mechanism") + " and "
                        + options.of("sasl.jaas.config") + ".");
            }
            if (t instanceof ConfigException) {
                return Optional.of("a Kafka client setting is invalid: " + t.getMessage());
            }
        }
        String root = rootMessage(failure);
        if (failure instanceof KafkaException && root != null && root.toLowerCase(Locale.ROOT).contains("store")) {
            // Creating the client failed on a keystore or truststore: a wrong path, type or password.
            return Optional.of("cannot load the TLS truststore or keystore: " + root + ". Fix "
                    + options.of("ssl.truststore.location") + " and " + options.of("ssl.truststore.password") + ".");
        }
        return Optional.empty();
    }

    /** The innermost message, where Kafka's wrappers keep the real reason. */
    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        // Bounded: a cause chain may loop.
        for (int depth = 0; depth < 20 && t.getCause() != null && t.getCause() != t; depth++) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }
}
