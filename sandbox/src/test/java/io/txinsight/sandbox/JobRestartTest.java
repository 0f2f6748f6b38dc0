package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Outcome;
import io.txinsight.events.RecordJson;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.Truth;
import io.txinsight.replayer.ReplayOptions;
import io.txinsight.replayer.ReplaySummary;
import io.txinsight.replayer.Replayer;
import io.txinsight.replayer.Speed;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import io.txinsight.validator.OutcomeReader;
import io.txinsight.validator.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One machine survives a restart: {@code txinsight job} in its own JVM (what {@code ./txinsight
 * job} runs) is killed with SIGKILL in the middle of a scenario, started again with the same
 * options, resumes from the latest checkpoint in its state directory, and the scenario validates:
 * every transaction has its true verdict, and read_committed the outcomes topic holds exactly one
 * outcome per transaction. Kafka and the replay run in this JVM and live through the kill.
 */
class JobRestartTest {

    @TempDir
    Path work;

    @Test
    void killedMidScenarioAndStartedAgainTheJobLosesNoOutcomeAndDoublesNone() throws Exception {
        // Every kind of trouble but late closes (they need a longer scenario), replayed in real time.
        SimulationParams params = Presets.named("mixed").toBuilder()
                .count(400).durationMs(20_000).lateCloseShare(0).hangs(1).hangMs(3_000).build();
        Scenario scenario = Simulator.generate(params, work.resolve("scenario"));
        Truth truth = scenario.truth();
        int transactions = truth.transactions().size();
        Path stateDir = work.resolve("state");
        Files.createDirectories(work.resolve("tmp"));

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopic(params.topic(), 3);
            kafka.createTopic("txn-outcomes", 2);
            kafka.createTopics(1, "txn-alerts", "txn-dead-letters");
            List<String> args = new ArrayList<>(List.of(
                    "--web-port", String.valueOf(FlinkSessionCluster.freePort()),
                    "--metrics-port", String.valueOf(FlinkSessionCluster.freePort()),
                    "--summary-every", "0", "--state-dir", stateDir.toString(),
                    "--bootstrap-servers", kafka.bootstrapServers(), "--topics", params.topic(),
                    "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--parallelism", "2",
                    "--retention", "5m", "--stuck-timeout", params.stuckTimeoutMs() + "ms",
                    "--abort-grace", params.abortGraceMs() + "ms", "--out-of-orderness", params.outOfOrdernessMs() + "ms"));

            CompletableFuture<ReplaySummary> replay;
            int atKill;
            long killedAt;
            try (ChildJvm first = startJob(args, "first")) {
                Awaitility.await("the first run's first retained checkpoint").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(300))
                        .until(() -> assertAlive(first) && new StateDir(stateDir).latestCheckpoint().isPresent());
                assertThat(Files.readString(first.log())).contains("No checkpoint in");

                ReplayOptions replayOptions = ReplayOptions.builder(scenario.eventsFile())
                        .bootstrapServers(kafka.bootstrapServers()).speed(Speed.REAL_TIME).progress(false).build();
                replay = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new Replayer().replay(replayOptions);
                    } catch (IOException | ScenarioFormatException e) {
                        throw new IllegalStateException("the replay failed: " + e.getMessage(), e);
                    }
                });
                Awaitility.await("a tenth of the outcomes committed").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> assertAlive(first) && committedOutcomes(kafka).size() >= transactions / 10);
                atKill = committedOutcomes(kafka).size();
                first.kill();
                killedAt = System.nanoTime();
            }
            assertThat(replay).as("the kill came in the middle of the scenario").isNotDone();

            try (ChildJvm second = startJob(args, "second")) {
                Awaitility.await("the second run resumes").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                        .until(() -> assertAlive(second) && Files.readString(second.log()).contains("Resuming from the checkpoint"));
                Awaitility.await("outcomes flowing again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                        .until(() -> assertAlive(second) && committedOutcomes(kafka).size() > atKill);
                System.out.printf("JobRestartTest: killed with %d of %d outcomes committed; new outcomes committed %.1f s"
                        + " after the kill%n", atKill, transactions, (System.nanoTime() - killedAt) / 1e9);
                assertThat(replay.get().records()).isPositive();

                Validation validation;
                try (OutcomeReader reader = new OutcomeReader(kafka.bootstrapServers(), Map.of(), "txn-outcomes", "txn-alerts")) {
                    OutcomeReader.Result result = reader.read(truth, Duration.ofSeconds(120), line -> {});
                    validation = Validation.compare(truth, result.outcomes(), result.alerts());
                }
                assertThat(validation.passed()).as("verdicts after the restart:\n%s\n%s", validation.table(),
                        Files.readString(second.log())).isTrue();
                assertThat(validation.matched()).isEqualTo((long) transactions);

                Map<String, Long> perTransaction = committedOutcomes(kafka).stream()
                        .collect(Collectors.groupingBy(Outcome::txnId, Collectors.counting()));
                assertThat(perTransaction).as("transactions with more than one committed outcome")
                        .allSatisfy((txn, count) -> assertThat(count).as(txn).isEqualTo(1L));
            }
        }
    }

    private ChildJvm startJob(List<String> args, String name) throws Exception {
        // Its own temporary directory: a killed run leaves its work directory behind.
        return ChildJvm.start("txinsight job (" + name + " run)", System.getProperty("java.class.path"),
                List.of("-Xmx768m", "-Djava.io.tmpdir=" + work.resolve("tmp")), JobCommand.class.getName(), args,
                work.resolve("job-" + name + ".log"));
    }

    private static boolean assertAlive(ChildJvm job) throws Exception {
        assertThat(job.isAlive()).as("%s exited early:\n%s", job.name(), Files.readString(job.log())).isTrue();
        return true;
    }

    /** Every outcome in the outcomes topic up to its end, read_committed. */
    private static List<Outcome> committedOutcomes(EmbeddedKafkaBroker kafka) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "restart-reader-" + UUID.randomUUID());
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Outcome> outcomes = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor("txn-outcomes", Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            // read_committed, the end offsets are the last stable offsets: everything committed so far.
            Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(partitions));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("outcomes not read to their end within 30 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    outcomes.add(RecordJson.fromBytes(r.value(), Outcome.class));
                }
            }
        }
        return outcomes;
    }
}
