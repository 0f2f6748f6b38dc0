package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.broker.TlsFiles;
import io.txinsight.events.Truth;
import io.txinsight.job.JobOptions;
import io.txinsight.job.TxInsightJob;
import io.txinsight.replayer.ReplayCli;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.Simulator;
import io.txinsight.simulator.cli.Commands;
import io.txinsight.validator.ValidateCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The job, the replayer, the simulator and the validator against a broker whose client listener
 * requires SASL/SCRAM over TLS, with the Kafka options of docs/operations.md §4 (read from the
 * file, {@link DocumentedKafkaSecurity}); and a wrong password or an untrusted certificate, which
 * must end each command at once with one message naming the option to fix.
 */
class SecuredKafkaTest {

    private static final String TOPIC = "secured-events";
    private static final String PASSWORD = "scram-secret-" + UUID.randomUUID();

    @TempDir
    static Path dir;

    private static TlsFiles tls;
    /** A certificate the broker does not have: its truststore trusts someone else. */
    private static TlsFiles stranger;
    private static EmbeddedKafkaBroker kafka;
    private static DocumentedKafkaSecurity documented;
    private static Scenario scenario;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        documented = DocumentedKafkaSecurity.read();
        tls = TlsFiles.selfSigned(dir, "broker");
        stranger = TlsFiles.selfSigned(dir, "stranger");
        kafka = EmbeddedKafkaBroker.startSecured(tls, documented.user(), PASSWORD);
        scenario = Simulator.generate(Presets.named("aborted").toBuilder()
                .topic(TOPIC).count(200).durationMs(12_000).build().validate(), dir.resolve("scenario"));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Map<String, String> good() {
        return documented.properties(PASSWORD, tls.truststore(), tls.password());
    }

    private static Map<String, String> wrongPassword() {
        return documented.properties("not-" + PASSWORD, tls.truststore(), tls.password());
    }

    private static Map<String, String> untrusted() {
        return documented.properties(PASSWORD, stranger.truststore(), stranger.password());
    }

    @Test
    void theDocumentedExampleIsSaslSslWithScram() {
        assertThat(good()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKeys("sasl.jaas.config", "ssl.truststore.location", "ssl.truststore.password");
    }

    @Test
    void jobReplayerSimulatorAndValidatorWorkThroughSaslSsl() throws Exception {
        String topic = TOPIC;
        kafka.createTopic(topic, 2);
        kafka.createTopics(1, "secured-outcomes", "secured-alerts", "secured-dead-letters");
        Truth.Timing timing = scenario.truth().timing();

        List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topics", topic,
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--parallelism", "1",
                "--stuck-timeout", timing.stuckTimeoutMs() + "ms", "--abort-grace", timing.abortGraceMs() + "ms",
                "--out-of-orderness", timing.outOfOrdernessMs() + "ms", "--outlier-factor", String.valueOf(timing.outlierFactor()),
                "--outcomes-topic", "secured-outcomes", "--alerts-topic", "secured-alerts",
                "--dead-letter-topic", "secured-dead-letters", "--transactional-id-prefix", "secured"));
        args.addAll(DocumentedKafkaSecurity.jobOptions(good()));
        var config = JobOptions.parse(args.toArray(new String[0])).config();
        assertThat(TxInsightJob.checkKafkaAccess(config).notChecked()).as("access check with the documented options").isEmpty();
        JobClient job = TxInsightJob.start(StreamExecutionEnvironment.createLocalEnvironment(1), config);
        try {
            Awaitility.await("job RUNNING").atMost(Duration.ofSeconds(60))
                    .until(() -> job.getJobStatus().get() == JobStatus.RUNNING);

            Run replay = run(ReplayCli::run, concat(List.of("-f", scenario.eventsFile().toString(),
                    "-b", kafka.bootstrapServers(), "--speed", "3", "--no-progress",
                    "--transactional-id-prefix", "secured-replay"), DocumentedKafkaSecurity.toolOptions(good())));
            assertThat(replay.status).as("replay: %s", replay.err).isZero();

            Run validate = validate(good(), "90s");
            assertThat(validate.status).as("validate:\n%s\n%s", validate.out, validate.err).isZero();
            assertThat(validate.out).contains("every transaction accounted for");
        } finally {
            job.cancel().get();
        }

        Run simulate = simulate("secured-simulated", good());
        assertThat(simulate.status).as("simulate batch: %s %s", simulate.out, simulate.err).isZero();
        assertThat(committedRecords("secured-simulated")).as("records the simulator published").isPositive();
    }

    @Test
    void aWrongPasswordIsOneMessageNamingTheJaasOption() throws Exception {
        Run job = job(wrongPassword());
        assertThat(job.status).isEqualTo(2);
        assertOneMessage(job.err, "job: Kafka at " + kafka.bootstrapServers() + " rejected the SASL login",
                "Fix the user name or password in --kafka.sasl.jaas.config.");

        Run validate = validate(wrongPassword(), "30s");
        assertThat(validate.status).isEqualTo(2);
        assertOneMessage(validate.err, "validate: Kafka at", "-X sasl.jaas.config");

        Run simulate = simulate("secured-refused", wrongPassword());
        assertThat(simulate.status).isEqualTo(2);
        assertThat(simulate.err).contains("rejected the SASL login", "-X sasl.jaas.config", "Nothing was published");
    }

    @Test
    void anUntrustedCertificateIsOneMessageNamingTheTruststoreOption() throws Exception {
        Run job = job(untrusted());
        assertThat(job.status).isEqualTo(2);
        assertOneMessage(job.err, "job: the TLS handshake with Kafka at " + kafka.bootstrapServers() + " failed",
                "Fix --kafka.ssl.truststore.location");

        Run replay = run(ReplayCli::run, concat(List.of("-f", scenario.eventsFile().toString(), "--speed", "max",
                "-b", kafka.bootstrapServers()), DocumentedKafkaSecurity.toolOptions(untrusted())));
        assertThat(replay.status).as(replay.err).isEqualTo(1);
        assertThat(replay.err).contains("replay: FAILED: the TLS handshake", "Fix -X ssl.truststore.location");

        Run validate = validate(untrusted(), "30s");
        assertThat(validate.status).isEqualTo(2);
        assertOneMessage(validate.err, "validate: the TLS handshake", "-X ssl.truststore.location");
    }

    private static void assertOneMessage(String err, String start, String fix) {
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr: one line, no stack trace:\n%s", err).hasSize(1);
        assertThat(lines.get(0)).startsWith(start).contains(fix);
    }

    private record Run(int status, String out, String err) {}

    @FunctionalInterface
    private interface Cli {
        int run(PrintWriter out, PrintWriter err, String... args);
    }

    private static Run run(Cli cli, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = cli.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(new String[0]));
        return new Run(status, out.toString(), err.toString());
    }

    private static Run picocli(CommandLine cl, List<String> args) {
        return run((out, err, a) -> cl.setOut(out).setErr(err).execute(a), args);
    }

    private static Run job(Map<String, String> kafkaProperties) {
        List<String> args = new ArrayList<>(List.of("--web-port", "0", "--metrics-port", "0",
                "--state-dir", dir.resolve("state").toString(), "--bootstrap-servers", kafka.bootstrapServers()));
        args.addAll(DocumentedKafkaSecurity.jobOptions(kafkaProperties));
        return picocli(Sandbox.commandLine(new JobCommand()), args);
    }

    private static Run validate(Map<String, String> kafkaProperties, String timeout) {
        return picocli(ValidateCli.commandLine(), concat(List.of("--scenario", dir.resolve("scenario").toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--outcomes-topic", "secured-outcomes",
                "--alerts-topic", "secured-alerts", "--timeout", timeout,
                "--out", dir.resolve("validation-" + UUID.randomUUID() + ".json").toString()),
                DocumentedKafkaSecurity.toolOptions(kafkaProperties)));
    }

    private static Run simulate(String topic, Map<String, String> kafkaProperties) {
        return picocli(Commands.commandLine(), concat(List.of("batch", "-b", kafka.bootstrapServers(), "--count", "20",
                "--topic", topic, "--transactional-id-prefix", topic + "-", "--quiet"),
                DocumentedKafkaSecurity.toolOptions(kafkaProperties)));
    }

    /** Records in a topic, read_committed, with the documented options. */
    private static long committedRecords(String topic) {
        Properties p = new Properties();
        p.putAll(good());
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "secured-reader-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (count == 0 && System.nanoTime() < deadline) {
                count += c.poll(Duration.ofMillis(500)).count();
            }
        }
        return count;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
