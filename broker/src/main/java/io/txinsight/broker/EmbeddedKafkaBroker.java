package io.txinsight.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) inside this JVM, for tests and the
 * local sandbox. Storage lives in a fresh temporary directory that {@link #close()} deletes; both
 * listeners bind to 127.0.0.1 only.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopic("txn-events", 3);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>{@link #startSecured} makes the client listener require SASL/SCRAM over TLS, as a production
 * cluster would; the broker's own listeners stay plaintext on loopback.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    /** A broker started on a kept directory leaves its data for the next start (restart drills). */
    private final boolean keepData;
    private final int brokerPort;
    private final int adminPort;
    private final KafkaRaftServer server;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedKafkaBroker(Path dataDir, boolean keepData, int brokerPort, int adminPort, KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.keepData = keepData;
        this.brokerPort = brokerPort;
        this.adminPort = adminPort;
        this.server = server;
        // Stop the broker and delete its files even when a test or the sandbox dies without close().
        this.shutdownHook = new Thread(this::stopQuietly, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Hands stopping on JVM shutdown (Ctrl-C, SIGTERM) to the caller, whose own shutdown hook must
     * then lead to {@link #close()}. The JVM runs every shutdown hook at once: a caller that stops
     * its work in order (a workload aborting its open Kafka transactions, a job being cancelled,
     * then Kafka) needs the broker up until Kafka's turn. With this broker's own hook, Kafka went
     * first and the demo's last transaction aborts waited for it until their 30 s timeout.
     */
    public void handShutdownToCaller() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Too late to take over: this broker's hook stops it.
        }
    }

    /** Starts a broker on free loopback ports. */
    public static EmbeddedKafkaBroker start() {
        return start(0, Map.of());
    }

    /**
     * Starts a broker.
     *
     * @param port the client port, or 0 for any free one
     * @param overrides broker properties that replace the defaults
     */
    public static EmbeddedKafkaBroker start(int port, Map<String, String> overrides) {
        return start(port, overrides, null);
    }

    /**
     * Starts a broker on a directory it keeps: formatted on the first start, reused as it is on
     * every later one, never deleted. A broker killed with {@code kill -9} comes back with its
     * topics, committed offsets and open Kafka transactions, as a production broker restarts.
     * The controller port is fixed too, so the restarted node is the voter its metadata names.
     */
    public static EmbeddedKafkaBroker startKept(int port, int controllerPort, Path dir) {
        return tryStart(dir, true, port, controllerPort, Map.of(), null);
    }

    /**
     * Starts a broker whose client listener ({@link #bootstrapServers()}) requires SASL_SSL with
     * SCRAM-SHA-512: the certificate and key of {@code tls}, and one SCRAM user, written into the
     * cluster's metadata when its storage is formatted, so it exists before any client connects.
     * The inter-broker listener stays PLAINTEXT on loopback; {@link #admin()} and the topic
     * helpers use it, so tests create topics without credentials.
     */
    public static EmbeddedKafkaBroker startSecured(TlsFiles tls, String user, String password) {
        return startSecured(tls, user, password, Map.of());
    }

    /**
     * As {@link #startSecured(TlsFiles, String, String)}, with broker properties that replace the
     * defaults: e.g. an authorizer, with {@code super.users=User:ANONYMOUS} so the broker's own
     * plaintext listeners (inter-broker, controller, {@link #admin()}) keep every right.
     */
    public static EmbeddedKafkaBroker startSecured(TlsFiles tls, String user, String password,
            Map<String, String> overrides) {
        return start(0, overrides, new ScramOverTls(tls, user, password));
    }

    /** What the client listener requires when it is secured. */
    private record ScramOverTls(TlsFiles tls, String user, String password) {
        static final String MECHANISM = "SCRAM-SHA-512";

        void addTo(Properties p, int clientPort, int internalPort, int controllerPort) {
            p.setProperty("listeners", "SASL_SSL://" + LOOPBACK + ":" + clientPort + ",PLAINTEXT://" + LOOPBACK + ":"
                    + internalPort + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
            p.setProperty("advertised.listeners",
                    "SASL_SSL://" + LOOPBACK + ":" + clientPort + ",PLAINTEXT://" + LOOPBACK + ":" + internalPort);
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL");
            p.setProperty("sasl.enabled.mechanisms", MECHANISM);
            // The broker side of SCRAM needs a login module but no credentials of its own.
            p.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.setProperty("ssl.keystore.location", tls.keystore().toString());
            p.setProperty("ssl.keystore.type", "PKCS12");
            p.setProperty("ssl.keystore.password", tls.password());
            p.setProperty("ssl.key.password", tls.password());
        }

        /** {@code kafka-storage format --add-scram} syntax. */
        String scramArgument() {
            return MECHANISM + "=[name=" + user + ",password=" + password + "]";
        }
    }

    private static EmbeddedKafkaBroker start(int port, Map<String, String> overrides, ScramOverTls security) {
        RuntimeException last = null;
        // Free ports are found by binding and releasing; another process can take one in between,
        // so a failed start with chosen-by-us ports is retried on new ones.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return tryStart(port == 0 ? freePort() : port, freePort(), overrides, security);
            } catch (RuntimeException e) {
                last = e;
                if (port != 0) {
                    break;
                }
            }
        }
        throw last;
    }

    private static EmbeddedKafkaBroker tryStart(
            int brokerPort, int controllerPort, Map<String, String> overrides, ScramOverTls security) {
        Path dir;
        try {
            dir = Files.createTempDirectory("txinsight-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
        }
        return tryStart(dir, false, brokerPort, controllerPort, overrides, security);
    }

    private static EmbeddedKafkaBroker tryStart(Path dir, boolean keepData,
            int brokerPort, int controllerPort, Map<String, String> overrides, ScramOverTls security) {
        Path logDir = dir.resolve("data");
        Properties props = brokerProperties(brokerPort, controllerPort, logDir);
        int adminPort = brokerPort;
        if (security != null) {
            adminPort = freePort();
            security.addTo(props, brokerPort, adminPort, controllerPort);
        }
        overrides.forEach(props::setProperty);
        KafkaRaftServer server = null;
        try {
            if (!keepData || !Files.exists(logDir.resolve("meta.properties"))) {
                format(logDir, security == null ? List.of() : List.of(security.scramArgument()));
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, keepData, brokerPort, adminPort, server);
            broker.awaitReady(Duration.ofSeconds(30));
            return broker;
        } catch (Exception e) {
            if (server != null) {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (RuntimeException ignored) {
                    // Already failing; the start error below is the one that matters.
                }
            }
            if (!keepData) {
                deleteRecursively(dir);
            }
            throw new IllegalStateException(
                    "Kafka did not start on " + LOOPBACK + ":" + brokerPort + " (controller port "
                            + controllerPort + "): " + e.getMessage(),
                    e);
        }
    }

    static Properties brokerProperties(int brokerPort, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", String.valueOf(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort + ",CONTROLLER://" + LOOPBACK + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        // A single node: every internal topic at replication 1, and few partitions so the first
        // consumer group and the first transaction do not wait for dozens of partitions to load.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "1");
        p.setProperty("auto.create.topics.enable", "true");
        // Scenarios hold Kafka transactions open on purpose (hanging transactions).
        p.setProperty("transaction.max.timeout.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)));
        p.setProperty("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        return p;
    }

    private static void format(Path logDir, List<String> scramArguments) throws Exception {
        new Formatter()
                .setScramArguments(scramArguments)
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .run();
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                }
            }
        }
        throw new TimeoutException("broker not ready within " + timeout + (last == null ? "" : ": " + last));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return LOOPBACK + ":" + brokerPort;
    }

    public int port() {
        return brokerPort;
    }

    /** {@code 127.0.0.1:port} of the plaintext listener {@link #admin()} uses: a secured broker's unauthenticated side door for tests. */
    public String plaintextBootstrapServers() {
        return LOOPBACK + ":" + adminPort;
    }

    /**
     * A new admin client for this broker, on its plaintext listener (the client listener itself
     * unless the broker is {@linkplain #startSecured secured}); the caller closes it.
     */
    public Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LOOPBACK + ":" + adminPort);
        return Admin.create(p);
    }

    /** Creates a topic (replication 1) and waits until it exists; an existing topic is left as is. */
    public void createTopic(String name, int partitions) {
        createTopics(partitions, name);
    }

    /** Creates topics with the same partition count; existing ones are left as they are. */
    public void createTopics(int partitions, String... names) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).values().forEach((name, future) -> {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("topic " + name + " not created within 30 s", e);
                }
            });
        }
    }

    public Set<String> topics() {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics: " + e, e);
        }
    }

    /** Stops the broker and deletes its storage (unless {@linkplain #startKept kept}). Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing left to remove.
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (!keepData) {
                deleteRecursively(dataDir);
            }
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temp dir is not worth failing a shutdown for.
        }
    }
}
