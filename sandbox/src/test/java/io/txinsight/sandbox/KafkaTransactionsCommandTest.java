package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Alert;
import io.txinsight.events.BlockingKafkaTransaction;
import io.txinsight.events.CloseStatus;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.VelocityAlert;
import io.txinsight.job.JobConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KafkaTransactionsCommandTest {

    private record Run(int status, String out, String err) {}

    /** Runs the command as main does (its exit codes), capturing what it prints. */
    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int status;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = Sandbox.commandLine(new KafkaTransactionsCommand(), 2);
            cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            status = cli.execute(args);
        } finally {
            System.setOut(stdout);
        }
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static KafkaProducer<String, String> transactional(String bootstrap, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    @Test
    void listsTheOpenTransactionWithItsPartitionOffsetAndTransactionalId() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("txn-events", 2);
            try (KafkaProducer<String, String> holder = transactional(kafka.bootstrapServers(), "payments-7")) {
                holder.initTransactions();
                holder.beginTransaction();
                holder.send(new ProducerRecord<>("txn-events", 1, "PAY-1", "{}")).get();

                Run run = run("--bootstrap-servers", kafka.bootstrapServers(), "--topics", "txn-events",
                        "--long-open-after", "0");

                assertThat(run.status()).as(run.err()).isZero();
                assertThat(run.out()).contains("Open Kafka transactions: 1 (0 hanging)");
                assertThat(run.out()).containsPattern("txn-events-0 +0 / +0 +0 behind");
                assertThat(run.out()).containsPattern("txn-events-1 +1 / +0 +1 behind");
                assertThat(run.out()).containsPattern("long open +txn-events-1 from offset 0, open .*transactional id payments-7"
                        + " \\(Ongoing, lists txn-events-1\\)");
                // The job has written nothing yet: said, not failed on.
                assertThat(run.out()).contains("held back now: none known", "held back before, decided since: none",
                        "(topic txn-alerts does not exist", "(topic txn-outcomes does not exist");
                holder.abortTransaction();
            }
        }
    }

    /**
     * The open transaction of producer {@code payments-7} on txn-events-1, and what the job wrote
     * about its producer: stuck alerts with no outcome (held back now), outcomes naming it or
     * settling its stuck alerts (held back before), records about another producer, a record from
     * before --since, a txn id alerted again after its outcome, and records that are not the job's.
     */
    @Test
    void namesTheBusinessTransactionsEachOpenTransactionHoldsBackFromTheJobsAlertsAndOutcomes() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic("txn-events", 2);
            kafka.createTopics(1, "txn-alerts", "txn-outcomes");
            try (KafkaProducer<String, String> holder = transactional(kafka.bootstrapServers(), "payments-7");
                    Admin admin = kafka.admin();
                    KafkaProducer<String, byte[]> job = new KafkaProducer<>(
                            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                            new StringSerializer(), new ByteArraySerializer())) {
                holder.initTransactions();
                holder.beginTransaction();
                holder.send(new ProducerRecord<>("txn-events", 1, "PAY-2", "{}")).get();
                TopicPartition held = new TopicPartition("txn-events", 1);
                long pid = admin.describeProducers(List.of(held)).partitionResult(held).get().activeProducers().stream()
                        .filter(p -> p.currentTransactionStartOffset().isPresent())
                        .mapToLong(ProducerState::producerId).findFirst().orElseThrow();
                BlockingKafkaTransaction byIt = new BlockingKafkaTransaction("payments-7", pid, List.of("txn-events-1"));
                BlockingKafkaTransaction byOther = new BlockingKafkaTransaction("other-1", pid + 1000, List.of("txn-events-0"));
                long t = System.currentTimeMillis() - 60_000;

                // Alerts (record timestamps = the job's write times).
                send(job, "txn-alerts", t - 3 * 3_600_000, "OLD-2", stuck("OLD-2", byIt)); // before --since 2h
                send(job, "txn-alerts", t + 10, "PAY-2", stuck("PAY-2", byIt));
                send(job, "txn-alerts", t + 11, "PAY-3", stuck("PAY-3", byIt));
                send(job, "txn-alerts", t + 12, "PAY-4", stuck("PAY-4", byIt));
                send(job, "txn-alerts", t + 13, "PAY-5", stuck("PAY-5", byIt));
                send(job, "txn-alerts", t + 14, "OTHER-1", stuck("OTHER-1", byOther));
                send(job, "txn-alerts", t + 15, "NOBODY-1", stuck("NOBODY-1", null));
                send(job, "txn-alerts", t + 16, "acct-1", RecordJson.toBytes(new VelocityAlert(VelocityAlert.VELOCITY,
                        "acct-1", "payment", 6, null, 3_000, 5, null, t, t + 1, List.of("VEL-1"), t + 2)));
                send(job, "txn-alerts", t + 17, String.valueOf(pid), RecordJson.toBytes(new KafkaTransactionHanging(
                        KafkaTransactionHanging.KAFKA_TRANSACTION_HANGING, "payments-7", pid, 0,
                        List.of(new KafkaTransactionHanging.HeldPartition("txn-events", 1, 0)), 960_000, t, 1, 2,
                        List.of("PAY-2", "PAY-3"), List.of(), 1_795_285_510_000L)));
                send(job, "txn-alerts", t + 18, "junk", "not json".getBytes(StandardCharsets.UTF_8));
                // Outcomes.
                send(job, "txn-outcomes", t - 3 * 3_600_000, "OLD-1", outcome("OLD-1", byIt)); // before --since 2h
                send(job, "txn-outcomes", t + 5, "PAY-5", outcome("PAY-5", null)); // an earlier life of PAY-5
                send(job, "txn-outcomes", t + 20, "PAY-1", outcome("PAY-1", byIt));
                send(job, "txn-outcomes", t + 21, "PAY-4", outcome("PAY-4", null)); // settles PAY-4's alert
                send(job, "txn-outcomes", t + 22, "OTHER-2", outcome("OTHER-2", byOther));
                job.flush();

                Run recent = run("--bootstrap-servers", kafka.bootstrapServers(), "--topics", "txn-events");
                assertThat(recent.status()).as(recent.err()).isZero();
                assertThat(recent.out()).containsPattern("open +txn-events-1 from offset 0, open .*producer " + pid
                        + " epoch \\d+, transactional id payments-7 \\(Ongoing, lists txn-events-1\\)\n"
                        + " +held back now: 3 business transaction\\(s\\), stuck with no outcome yet: PAY-2, PAY-3, PAY-5\n"
                        + " +held back before, decided since: 2 \\(with an outcome now\\): PAY-1, PAY-4\n"
                        + " +the job called it hanging at 2026-11-21T18:25:10Z, blocking 2: PAY-2, PAY-3\n");
                assertThat(recent.out()).contains("from txn-alerts and txn-outcomes (written within 2h)",
                        "(1 record(s) were not txinsight alerts or outcomes and were skipped)");
                assertThat(recent.out()).doesNotContain("OTHER-", "OLD-", "NOBODY-", "VEL-", "does not exist");

                Run all = run("--bootstrap-servers", kafka.bootstrapServers(), "--topics", "txn-events", "--from-beginning");
                assertThat(all.status()).as(all.err()).isZero();
                assertThat(all.out()).contains("(all of them)",
                        "held back now: 4 business transaction(s), stuck with no outcome yet: OLD-2, PAY-2, PAY-3, PAY-5",
                        "held back before, decided since: 3 (with an outcome now): OLD-1, PAY-1, PAY-4");
                holder.abortTransaction();
            }
        }
    }

    @Test
    void readsTheJobsOwnOutputTopicsByDefaultAndDocumentsItsExitStatus() {
        CommandLine cli = new CommandLine(new KafkaTransactionsCommand());
        assertThat(cli.getCommandSpec().findOption("--alerts-topic").defaultValue())
                .isEqualTo(JobConfig.Outputs.DEFAULTS.alertsTopic());
        assertThat(cli.getCommandSpec().findOption("--outcomes-topic").defaultValue())
                .isEqualTo(JobConfig.Outputs.DEFAULTS.outcomesTopic());

        assertThat(run("--help").status()).isZero();
        assertThat(cli.getUsageMessage().replaceAll("\\s+", " ")).contains("--alerts-topic=TOPIC", "--outcomes-topic=TOPIC", "--since=DURATION",
                "--from-beginning", "held back now", "Exit status: 0, or 1 when a transaction hangs, 2 on an error");

        assertThat(run("--no-such-option").status()).isEqualTo(2);
        Run zero = run("--since", "0");
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err()).contains("--since must be longer than 0");
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, long timestamp, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, 0, timestamp, key, value)).get();
    }

    private static byte[] stuck(String txnId, BlockingKafkaTransaction blockedBy) {
        return RecordJson.toBytes(new Alert(Alert.STUCK, txnId, "payment", 1L, 2L, 70_000, 60_000, "authorize", 60_000,
                70_001, blockedBy));
    }

    private static byte[] outcome(String txnId, BlockingKafkaTransaction blockedBy) {
        return RecordJson.toBytes(new Outcome(txnId, "payment", Outcome.State.CLOSED, CloseStatus.SUCCESS, 1L, 90_000L,
                89_999L, 12L, false, "settle", 3, false, 90_001, blockedBy));
    }
}
