package io.txinsight.replayer;

import static io.txinsight.events.TxnFate.ABORT;
import static io.txinsight.events.TxnFate.COMMIT;
import static io.txinsight.events.TxnFate.HANG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.ScenarioRecord;
import io.txinsight.events.TxnFate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replayer against a real Kafka broker (one for the whole class). */
class ReplayerKafkaTest {

    private static EmbeddedKafkaBroker kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private ReplayOptions.Builder options(ScenarioFile scenario, String name) {
        return ReplayOptions.builder(scenario.writeTo(dir.resolve(name + ".jsonl")))
                .bootstrapServers(kafka.bootstrapServers());
    }

    /**
     * Three transactional producers with interleaved transactions (commits, aborts, a short hang),
     * records without a transaction, and a key that moves between producers within a millisecond.
     */
    private static ScenarioFile mixedScenario(String topic) {
        return new ScenarioFile().topic(topic)
                .txn(0, "a", "p1", 0, COMMIT, 120)
                .txn(10, "b", "p2", 0, ABORT, 60)
                .txn(20, "a", "p1", 0, COMMIT, 120)
                .txn(25, "h", "p3", 0, HANG, 300)
                .plain(30, "z")
                .txn(40, "b", "p2", 0, ABORT, 60)
                .txn(50, "shared", "p1", 0, COMMIT, 120)
                .txn(50, "shared", "p2", 0, ABORT, 60)
                .plain(50, "shared")
                .txn(70, "b", "p2", 1, COMMIT, 200)
                .txn(90, "h", "p3", 0, HANG, 300)
                .txn(130, "a", "p1", 1, ABORT, 180)
                .txn(140, "c", "p1", 1, ABORT, 180)
                .plain(150, "z")
                .txn(160, "shared", "p2", 1, COMMIT, 200)
                .txn(190, "a", "p1", 2, COMMIT, 250)
                .plain(240, "shared")
                .txn(245, "a", "p1", 2, COMMIT, 250);
    }

    /** Key -> the attribute n of its records, in the order they appear (per partition = per key). */
    private static Map<String, List<Integer>> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            m.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(ScenarioFile.n(r.value()));
        }
        return m;
    }

    private static Map<String, List<Integer>> expectedByKey(ScenarioFile s, boolean committedOnly) {
        Map<String, List<Integer>> m = new LinkedHashMap<>();
        List<ScenarioRecord> records = s.records();
        for (int i = 0; i < records.size(); i++) {
            ScenarioRecord r = records.get(i);
            if (committedOnly && r.txn() != null && r.txn().fate() != TxnFate.COMMIT) {
                continue;
            }
            m.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(i);
        }
        return m;
    }

    @Test
    void readCommittedSeesExactlyTheCommittedEventsAndReadUncommittedSeesAllInKeyOrder() throws Exception {
        kafka.createTopic("mixed", 3);
        ScenarioFile s = mixedScenario("mixed");

        ReplaySummary summary = new Replayer().replay(options(s, "mixed").speed(Speed.parse("2")).build());

        assertThat(summary.records()).isEqualTo(18);
        assertThat(summary.committed()).isEqualTo(3);
        assertThat(summary.aborted()).isEqualTo(2);
        assertThat(summary.hung()).isEqualTo(1);
        assertThat(summary.plainRecords()).isEqualTo(4);
        // Every record was timed twice: handed to Kafka, then acknowledged (never before it was handed).
        assertThat(summary.lagSamples()).isEqualTo(18);
        assertThat(summary.ackSamples()).isEqualTo(18);
        assertThat(summary.ackP99Ms()).isGreaterThanOrEqualTo(summary.lagP99Ms());
        assertThat(summary.render()).contains("acknowledged by Kafka: p50 ");

        List<ConsumerRecord<byte[], byte[]>> committed = KafkaTopicReader.readAll(kafka.bootstrapServers(), "mixed", true);
        List<ConsumerRecord<byte[], byte[]>> all = KafkaTopicReader.readAll(kafka.bootstrapServers(), "mixed", false);

        assertThat(byKey(committed)).isEqualTo(expectedByKey(s, true));
        assertThat(byKey(all)).isEqualTo(expectedByKey(s, false));
        assertThat(all).hasSize(18);
        assertThat(committed).hasSize(11);
    }

    @Test
    void parallelCommitsKeepExactlyTheSameCommittedAndUncommittedViews() throws Exception {
        kafka.createTopic("mixed-parallel", 3);
        ScenarioFile s = mixedScenario("mixed-parallel");

        ReplaySummary summary = new Replayer().replay(options(s, "mixed-parallel")
                .speed(Speed.parse("2")).parallelCommits(3).transactionalIdPrefix("parallel").build());

        assertThat(summary.committed()).isEqualTo(3);
        assertThat(byKey(KafkaTopicReader.readAll(kafka.bootstrapServers(), "mixed-parallel", true)))
                .isEqualTo(expectedByKey(s, true));
        assertThat(byKey(KafkaTopicReader.readAll(kafka.bootstrapServers(), "mixed-parallel", false)))
                .isEqualTo(expectedByKey(s, false));
        try (var admin = kafka.admin()) {
            assertThat(admin.listTransactions().all().get().stream().map(t -> t.transactionalId()))
                    .contains("parallel-p1", "parallel-p1-lane2", "parallel-p1-lane3");
        }
    }

    @Test
    void anInvalidFileIsReportedWithFileAndLineAndNothingIsPublished() {
        kafka.createTopic("untouched", 1);
        ScenarioFile s = new ScenarioFile().topic("untouched")
                .txn(0, "a", "p1", 0, COMMIT, 10)
                .plain(5, "b")
                .line("{\"at_ms\": 7, \"topic\": \"untouched\", \"key\": \"c\", \"event\": {\"event_type\": \"step_done\"}}")
                .line("{\"at_ms\": 9, \"topic\": \"untouched\", \"raw\": \"fine\"}");
        Path file = s.writeTo(dir.resolve("bad.jsonl"));

        assertThatThrownBy(() -> new Replayer().replay(ReplayOptions.builder(file)
                        .bootstrapServers(kafka.bootstrapServers()).speed(Speed.MAX).build()))
                .isInstanceOf(ScenarioFormatException.class)
                .hasMessageStartingWith(file + ":3: field 'event.txn_id'");
        assertThat(KafkaTopicReader.endOffsetSum(kafka.bootstrapServers(), "untouched")).isZero();
    }

    @Test
    void topicMapAndPrefixPublishToTheRoutedTopicsOnly() throws Exception {
        // Created up front: a topic auto-created under an open Kafka transaction can fail it
        // (InvalidTxnStateException under load with transactions v2).
        kafka.createTopic("staging-orders", 1);
        kafka.createTopic("dev.payments", 1);
        ScenarioFile s = new ScenarioFile()
                .topic("orders").txn(0, "a", "p1", 0, COMMIT, 5).plain(1, "b")
                .topic("payments").plain(2, "c").plain(3, "d");

        new Replayer().replay(options(s, "routed").speed(Speed.MAX)
                .routing(new TopicRouting(Map.of("orders", "staging-orders"), "dev.")).build());

        assertThat(KafkaTopicReader.readAll(kafka.bootstrapServers(), "staging-orders", true)).hasSize(2);
        assertThat(KafkaTopicReader.readAll(kafka.bootstrapServers(), "dev.payments", true)).hasSize(2);
        assertThat(kafka.topics()).doesNotContain("orders", "payments", "dev.orders");
    }

    @Test
    void loopAndRangeRepublishTheSelectedRecords() throws Exception {
        kafka.createTopic("looped", 1);
        kafka.createTopic("ranged", 1);
        ScenarioFile looped = new ScenarioFile().topic("looped")
                .txn(0, "a", "p1", 0, COMMIT, 2).txn(1, "b", "p1", 0, COMMIT, 2).plain(3, "c");
        ScenarioFile ranged = new ScenarioFile().topic("ranged")
                .plain(0, "r0").plain(1, "r1").txn(2, "r2", "p1", 0, COMMIT, 3).plain(4, "r3");

        ReplaySummary loops = new Replayer().replay(options(looped, "looped").speed(Speed.MAX).loops(3).build());
        new Replayer().replay(options(ranged, "ranged").speed(Speed.MAX).from(1).to(3).build());

        assertThat(loops.loopsCompleted()).isEqualTo(3);
        assertThat(loops.committed()).isEqualTo(3);
        assertThat(KafkaTopicReader.readAll(kafka.bootstrapServers(), "looped", true))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("a", "b", "c", "a", "b", "c", "a", "b", "c");
        assertThat(KafkaTopicReader.readAll(kafka.bootstrapServers(), "ranged", true))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("r1", "r2");
    }

    @Test
    void stopAbortsTheOpenTransactionsSoNothingStaysPinned() throws Exception {
        kafka.createTopic("stopped", 1);
        ScenarioFile s = new ScenarioFile().topic("stopped")
                .txn(0, "done", "p1", 0, COMMIT, 10)
                .txn(20, "held", "p2", 0, HANG, 600_000)
                .plain(600_000, "never");
        Replayer replayer = new Replayer();
        ReplaySummary[] summary = new ReplaySummary[1];
        Thread replay = new Thread(() -> {
            try {
                summary[0] = replayer.replay(options(s, "stopped").build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        replay.start();

        // Wait until the hanging transaction's record is in the log, then stop.
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (KafkaTopicReader.readAll(kafka.bootstrapServers(), "stopped", false).size() < 2) {
            assertThat(System.nanoTime()).as("the held record never arrived").isLessThan(deadline);
        }
        replayer.stop();
        replay.join(60_000);

        assertThat(replay.isAlive()).isFalse();
        assertThat(summary[0].stopped()).isTrue();
        assertThat(summary[0].abortedOnStop()).isEqualTo(1);
        assertThat(summary[0].records()).isEqualTo(2);
        // read_committed reaches the end of the log: the hang no longer pins the last stable offset.
        assertThat(KafkaTopicReader.readAll(kafka.bootstrapServers(), "stopped", true))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("done");
    }

    @Test
    void anUnreachableKafkaFailsWithAMessageSayingWhatToCheck() {
        Path file = new ScenarioFile().txn(0, "a", "p1", 0, COMMIT, 5).writeTo(dir.resolve("unreachable.jsonl"));
        StringWriter err = new StringWriter();

        int code = ReplayCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "--file", file.toString(), "--bootstrap-servers", "127.0.0.1:1", "-X", "max.block.ms=1500", "--no-progress");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("FAILED", "did not answer in time", "Check --bootstrap-servers");
    }

    @Test
    void theCommandLineReplaysAndPrintsTheSummaryAndDryRunPublishesNothing() {
        kafka.createTopic("cli", 1);
        ScenarioFile s = new ScenarioFile().topic("cli")
                .txn(0, "a", "p1", 0, COMMIT, 20).txn(10, "b", "p2", 0, ABORT, 30).plain(40, "c");
        Path file = s.writeTo(dir.resolve("cli.jsonl"));

        StringWriter dryOut = new StringWriter();
        int dry = ReplayCli.run(new PrintWriter(dryOut), new PrintWriter(new StringWriter()),
                "--file", file.toString(), "--bootstrap-servers", kafka.bootstrapServers(), "--dry-run");
        assertThat(dry).isZero();
        assertThat(dryOut.toString()).contains("is valid (3 records)", "Nothing was published");
        assertThat(KafkaTopicReader.endOffsetSum(kafka.bootstrapServers(), "cli")).isZero();

        StringWriter out = new StringWriter();
        int code = ReplayCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "--file", file.toString(), "--bootstrap-servers", kafka.bootstrapServers(),
                "--speed", "10", "--no-progress", "--transactional-id-prefix", "cli-test");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("replayed 3 records", "1 committed, 1 aborted, 0 hung",
                "transactional.id prefix: cli-test", "behind schedule: p50");
        assertThat(KafkaTopicReader.readAll(kafka.bootstrapServers(), "cli", true))
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("a", "c");
    }
}
