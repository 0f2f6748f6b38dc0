package io.txinsight.validator;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Alert;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.Truth;
import io.txinsight.events.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The validate command against a real broker: transactional outcome and alert topics, read_committed. */
class ValidateCommandKafkaTest {

    private static EmbeddedKafkaBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
        kafka.createTopics(3, "ok-outcomes", "ok-alerts", "bad-outcomes", "bad-alerts", "hang-outcomes", "hang-alerts",
                "unnamed-outcomes", "unnamed-alerts");
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run validate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = ValidateCli.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Writes the records in one Kafka transaction, as the job's exactly-once sink does, and ends it. */
    private static void publish(String outcomesTopic, String alertsTopic, List<Outcome> outcomes, List<Alert> alerts,
            boolean commit) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-job-" + UUID.randomUUID());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Outcome o : outcomes) {
                producer.send(new ProducerRecord<>(outcomesTopic, o.txnId(), RecordJson.toBytes(o)));
            }
            for (Alert a : alerts) {
                producer.send(new ProducerRecord<>(alertsTopic, a.txnId(), RecordJson.toBytes(a)));
            }
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    private static List<Alert> alertsFor(Truth truth) {
        List<Alert> alerts = new ArrayList<>();
        for (Truth.Transaction t : truth.transactions()) {
            if (t.stuckAlert()) {
                alerts.add(new Alert(Alert.STUCK, t.txnId(), t.txnType(), t.openedAtMs(), t.openedAtMs() + 50, 30_050,
                        30_000, "validate", 30_000, t.openedAtMs() + 30_050));
            }
        }
        return alerts;
    }

    private static Truth.Transaction first(Truth truth, Verdict verdict) {
        return truth.transactions().stream().filter(t -> t.verdict() == verdict).findFirst().orElseThrow();
    }

    @Test
    void aCorrectOutcomesStreamPassesAndWritesValidationJson(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir.resolve("01_sample"), 300, 11);
        publish("ok-outcomes", "ok-alerts", scenario.perfectOutcomes(), alertsFor(scenario.truth()), true);

        Run run = validate("--scenario", scenario.dir().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--outcomes-topic", "ok-outcomes", "--alerts-topic", "ok-alerts", "--timeout", "60s");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
        assertThat(run.out()).contains("Validation PASSED: all 300 transactions", "every transaction accounted for",
                "Detection", "stuck_alert");
        Path json = scenario.dir().resolve("report").resolve("validation.json");
        ValidationFile written = ValidationFile.read(json);
        assertThat(written.validation().passed()).isTrue();
        assertThat(written.validation().matched()).isEqualTo(300);
        assertThat(written.source().complete()).isTrue();
        assertThat(written.source().outcomeRecords()).isEqualTo(300);
        assertThat(written.source().outcomesTopic()).isEqualTo("ok-outcomes");
    }

    @Test
    void aCorruptedStreamFailsWithTheMismatchesNamed(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir.resolve("02_sample"), 300, 12);
        Truth truth = scenario.truth();
        String lost = first(truth, Verdict.CLOSED_SUCCESS).txnId();
        Truth.Transaction abortedOne = first(truth, Verdict.ABORTED);
        Truth.Transaction failedOne = first(truth, Verdict.CLOSED_FAILED);
        Outcome wronglyClosed = new Outcome(abortedOne.txnId(), abortedOne.txnType(), Outcome.State.CLOSED,
                CloseStatus.SUCCESS, abortedOne.openedAtMs(), abortedOne.openedAtMs() + 200, 200L, 3L, false, "x", 3,
                false, abortedOne.openedAtMs() + 300);
        Outcome wrongResult = new Outcome(failedOne.txnId(), failedOne.txnType(), Outcome.State.CLOSED,
                CloseStatus.SUCCESS, failedOne.openedAtMs(), failedOne.closedAtMs(), failedOne.durationMs(), 3L, false,
                "x", 3, false, failedOne.closedAtMs());

        List<Outcome> corrupted = new ArrayList<>();
        List<Outcome> rightOnes = new ArrayList<>();
        for (Outcome o : scenario.perfectOutcomes()) {
            if (o.txnId().equals(lost)) {
                rightOnes.add(o);
            } else if (o.txnId().equals(abortedOne.txnId())) {
                rightOnes.add(o);
                corrupted.add(wronglyClosed);
            } else if (o.txnId().equals(failedOne.txnId())) {
                rightOnes.add(o);
                corrupted.add(wrongResult);
            } else {
                corrupted.add(o);
            }
        }
        publish("bad-outcomes", "bad-alerts", corrupted, alertsFor(truth), true);
        // The right answers, in a Kafka transaction that aborts: a read_committed reader never sees them.
        publish("bad-outcomes", "bad-alerts", rightOnes, List.of(), false);

        Run run = validate("--scenario", scenario.dir().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--outcomes-topic", "bad-outcomes", "--alerts-topic", "bad-alerts", "--timeout", "4s");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("Validation FAILED: 3 of 300 transactions", "(1 missing)", "timed out",
                lost, abortedOne.txnId(), failedOne.txnId());
        ValidationFile written = ValidationFile.read(scenario.dir().resolve("report").resolve("validation.json"));
        Validation v = written.validation();
        assertThat(v.passed()).isFalse();
        assertThat(v.missing()).isEqualTo(1);
        assertThat(written.source().complete()).isFalse();
        assertThat(written.source().outcomeRecords()).isEqualTo(299);
        assertThat(v.mismatches()).extracting(Validation.Mismatch::txnId)
                .containsExactlyInAnyOrder(lost, abortedOne.txnId(), failedOne.txnId());
        assertThat(v.mismatches()).filteredOn(m -> m.txnId().equals(abortedOne.txnId())).singleElement()
                .extracting(Validation.Mismatch::expected, Validation.Mismatch::observed)
                .containsExactly("aborted", "closed_success");
        assertThat(v.byVerdict().get("closed_failed")).containsEntry("closed_success", 1L);
    }

    /** A scenario whose events file holds producer p0's Kafka transaction open 15 s (fate hang). */
    private static SampleScenario.Written withHang(Path dir, long seed) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir, 40, seed);
        String txnId = scenario.truth().transactions().get(0).txnId();
        Files.writeString(scenario.dir().resolve("events.jsonl"),
                "{\"at_ms\":30,\"topic\":\"t\",\"key\":\"" + txnId + "\",\"txn\":{\"producer\":\"p0\",\"seq\":4,"
                        + "\"fate\":\"hang\",\"end_ms\":15030},\"event\":{\"event_type\":\"step_done\",\"txn_id\":\""
                        + txnId + "\",\"ts\":\"2027-01-01T00:00:00.030Z\",\"step\":\"x\"}}\n");
        return scenario;
    }

    @Test
    void aHeldOpenKafkaTransactionNamedOnTheAlertsTopicPasses(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = withHang(dir.resolve("06_sample"), 14);
        publish("hang-outcomes", "hang-alerts", scenario.perfectOutcomes(), alertsFor(scenario.truth()), true);
        // Written after every outcome, as a slow collector's would be: the reader still reads it.
        KafkaTransactionHanging longOpen = new KafkaTransactionHanging(KafkaTransactionHanging.KAFKA_TRANSACTION_LONG_OPEN,
                "txinsight-replay-0a1b2c3d-p0", 7, 2, List.of(new KafkaTransactionHanging.HeldPartition("t", 1, 40)),
                10_400, 1, 12, null, List.of(), List.of(), 2);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("hang-alerts", longOpen.key(), RecordJson.toBytes(longOpen))).get();
        }

        Run run = validate("--scenario", scenario.dir().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--outcomes-topic", "hang-outcomes", "--alerts-topic", "hang-alerts", "--timeout", "60s");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(0);
        assertThat(run.out()).contains("The scenario held 1 Kafka transaction(s) open",
                "and the job named the 1 Kafka transaction(s) the scenario held open",
                "kafka_transaction_long_open (open 10.4s, on t-1)");
        Validation v = ValidationFile.read(scenario.dir().resolve("report").resolve("validation.json")).validation();
        assertThat(v.kafkaHangs()).singleElement()
                .satisfies(h -> assertThat(h.transactionalId()).isEqualTo("txinsight-replay-0a1b2c3d-p0"));
    }

    @Test
    void aHeldOpenKafkaTransactionNobodyNamedFailsAfterTheTimeout(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = withHang(dir.resolve("06_unnamed"), 15);
        publish("unnamed-outcomes", "unnamed-alerts", scenario.perfectOutcomes(), alertsFor(scenario.truth()), true);

        Run run = validate("--scenario", scenario.dir().toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--outcomes-topic", "unnamed-outcomes", "--alerts-topic", "unnamed-alerts", "--timeout", "4s");

        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("Validation FAILED: all 40 transactions have the expected verdict, but the job"
                + " did not name 1 of the 1 Kafka transaction(s) the scenario held open", "timed out");
    }

    @Test
    void anUnreachableBrokerIsAnErrorThatSaysWhatToCheck(@TempDir Path dir) throws Exception {
        SampleScenario.Written scenario = SampleScenario.write(dir.resolve("03_sample"), 5, 13);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Run run = validate("--scenario", scenario.dir().toString(), "--bootstrap-servers", "127.0.0.1:" + closedPort,
                "--timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(ValidateCli.CANNOT_VALIDATE);
        assertThat(run.err()).contains("no Kafka broker answered at 127.0.0.1:" + closedPort, "--bootstrap-servers");
        assertThat(Files.exists(scenario.dir().resolve("report").resolve("validation.json"))).isFalse();
    }

    @Test
    void aDirectoryWithoutTruthIsAnErrorThatSaysWhatToDo(@TempDir Path dir) {
        Run run = validate("--scenario", dir.toString(), "--bootstrap-servers", kafka.bootstrapServers());

        assertThat(run.exitCode()).isEqualTo(ValidateCli.CANNOT_VALIDATE);
        assertThat(run.err()).contains("no truth at " + dir.resolve("report").resolve("truth.json"),
                "./txinsight simulate");
    }

    @Test
    void helpTeachesTheExitCodes() {
        Run run = validate("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--scenario", "--kafka-property", "read_committed", "Exit codes", "gate CI");
    }
}
