package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.events.Truth;
import io.txinsight.events.Verdict;
import io.txinsight.replayer.ReplayOptions;
import io.txinsight.replayer.Replayer;
import io.txinsight.replayer.Speed;
import io.txinsight.replayer.TopicRouting;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import io.txinsight.validator.OutcomeReader;
import io.txinsight.validator.Validation;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.config.TopicConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix (issue 15): what an SRE will do to txinsight on a real cluster, and what must
 * still hold after each fault.
 *
 * <p>One Kafka broker in its own JVM (on a data directory it keeps, so it can be killed and started
 * again), one Flink session cluster (a JobManager and two TaskManagers, each a JVM of its own,
 * configured by the shipped {@code flink-conf/config.yaml}), checkpoints on the local file system.
 * The drills share them and run one after another; each has its own topics, scenario, truth and
 * job, so each drill's verdicts are checked on their own.
 *
 * <p>For every drill: the validator passes (every verdict as the truth says); read_committed, the
 * outcomes topic holds one outcome per finished transaction and the alerts topic one stuck alert
 * per transaction the truth says went stuck, and no other; and the time from the fault to outputs
 * flowing again is measured and printed. Run with {@code -Pdrills} (see docs/reliability.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultMatrixDrill {

    private static final Path JOB_JAR = Path.of("..", "job", "target", "txinsight-job.jar").toAbsolutePath().normalize();
    private static final int EVENT_PARTITIONS = 4;
    private static final int OUTCOME_PARTITIONS = 4;
    private static final int ALERT_PARTITIONS = 2;
    private static final Duration OUTPUTS_BACK_WITHIN = Duration.ofSeconds(120);
    /**
     * Long enough to outlast a TaskManager failover: the JobManager notices a killed TaskManager
     * by missed heartbeats (the shipped configuration keeps Flink's defaults), 10 to 20 s here.
     */
    private static final long HANG_MS = 30_000;

    private Path work;

    private KafkaProcess kafka;
    private FlinkSessionCluster flink;
    private String jarId;
    private final List<ChildJvm> everyJvm = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();

    @BeforeAll
    void startBrokerAndCluster(@TempDir Path work) throws Exception {
        this.work = work;
        assertThat(JOB_JAR).as("the shaded job jar (built by the job module's package phase)").exists();
        kafka = KafkaProcess.start(work.resolve("kafka"));
        // Our code reaches the cluster only through the job jar, as on a real cluster.
        String flinkClasspath = ChildJvm.classpath(entry -> !entry.contains("txinsight")
                && !entry.contains(File.separator + "kafka")
                && !entry.contains("scala-") && !entry.contains("flink-connector-kafka") && !entry.contains("flink-connector-base")
                && !entry.contains("junit") && !entry.contains("assertj") && !entry.contains("awaitility")
                && !entry.contains("opentest4j") && !entry.contains("jfree") && !entry.contains("HdrHistogram"));
        flink = FlinkSessionCluster.start(Files.createDirectories(work.resolve("flink")), flinkClasspath, 2);
        assertThat(flink.shippedJvmOpts()).as("the shipped config.yaml's env.java.opts.all")
                .contains("--add-modules=jdk.incubator.foreign");
        jarId = flink.uploadJar(JOB_JAR);
    }

    @AfterAll
    void stopEverything() throws Exception {
        try {
            if (flink != null) {
                everyJvm.addAll(flink.processes());
                flink.close();
            }
        } finally {
            if (kafka != null) {
                everyJvm.addAll(kafka.processes());
                kafka.close();
            }
        }
        for (ChildJvm p : everyJvm) {
            assertThat(p.isAlive()).as("%s (pid %d) stopped", p.name(), p.pid()).isFalse();
        }
        System.out.println("FaultMatrixDrill figures:");
        figures.forEach(f -> System.out.println("  " + f));
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void taskManagerKilledThreeTimesMidReplay() throws Exception {
        try (Drill drill = new Drill("tm-kill", scenario("tm-kill", 1300, 110_000, 0))) {
            drill.startJob(2, null);
            drill.startReplay();
            List<Long> recoveries = midReplay(drill, 3, "TaskManager kill", kill -> drill.killATaskManagerOfTheJob("kill " + kill));
            long restarts = flink.restarts(drill.jobId);
            assertThat(restarts).as("job restarts").isGreaterThanOrEqualTo(3);
            drill.finish();
            record("1. TaskManager kill -9 x3 mid-replay", "outputs again after " + seconds(recoveries)
                    + " (kill -> first outcome written after it); " + restarts + " job restarts", drill);
        }
    }

    @Test
    @Order(2)
    void brokerKilledAndRestartedTwiceMidReplay() throws Exception {
        try (Drill drill = new Drill("broker-kill", scenario("broker-kill", 500, 40_000, 0))) {
            drill.startJob(2, null);
            drill.startReplay();
            List<Long> recoveries = midReplay(drill, 2, "broker kill", kill -> {
                long killedAt = System.currentTimeMillis();
                kafka.killAndRestart();
                return drill.awaitNewOutcomeWrittenAfter(killedAt);
            });
            // The job's TaskManagers' Prometheus endpoints, as an operator scrapes them: the
            // business metrics are there and counted this job's transactions.
            MetricsPage page = drill.taskManagerMetrics();
            assertThat(page.sum("txinsights_closed")).isGreaterThan(0);
            assertThat(page.quantile("txinsights_duration_ms_bucket", 0.99)).isGreaterThan(0);
            drill.finish();
            MetricsPage after = drill.lastMetrics;
            assertThat(after.sum("txinsights_aborted")).isGreaterThan(0);
            assertThat(after.sum("txinsights_stuck")).isGreaterThan(0);
            record("2. broker kill -9 + restart (same port, same log dir) x2 mid-replay",
                    "outputs again after " + seconds(recoveries) + " (kill -> first outcome written after it); "
                            + flink.restarts(drill.jobId) + " job restarts", drill);
        }
    }

    @Test
    @Order(3)
    void stopWithSavepointAndResumeAtAnotherParallelism() throws Exception {
        try (Drill drill = new Drill("rescale", scenario("rescale", 450, 40_000, 0))) {
            drill.startJob(2, null);
            drill.startReplay();
            List<String> steps = new ArrayList<>();
            for (int parallelism : new int[] {4, 1}) {
                drill.awaitOutputsAndACheckpoint();
                assertThat(drill.replay.isDone()).as("replay still running before rescaling to %d", parallelism).isFalse();
                long stoppedAt = System.currentTimeMillis();
                String savepoint = flink.stopWithSavepoint(drill.jobId, Duration.ofSeconds(60));
                Awaitility.await("job FINISHED after stop").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                        .until(() -> "FINISHED".equals(flink.jobState(drill.jobId)));
                // The stopped job commits its last outcomes with the savepoint, after the stop
                // request: outputs flow again with the first outcome written once it finished.
                long finishedAt = System.currentTimeMillis();
                int from = drill.parallelism;
                drill.startJob(parallelism, savepoint);
                assertThat(flink.get("/jobs/" + drill.jobId).path("vertices").findValuesAsText("parallelism"))
                        .as("vertex parallelism after resuming").contains(String.valueOf(parallelism));
                long pause = finishedAt - stoppedAt + drill.awaitNewOutcomeWrittenAfter(finishedAt);
                steps.add(from + "->" + parallelism + ": " + pause / 1000.0 + " s");
            }
            drill.finish();
            record("3. stop with savepoint, resume at 2->4 then 4->1 mid-scenario",
                    "outputs again after " + String.join(", ", steps) + " (stop request -> first outcome the resumed job wrote)", drill);
        }
    }

    @Test
    @Order(4)
    void checkpointStorageFailingForTwentySeconds() throws Exception {
        try (Drill drill = new Drill("checkpoint-fail", scenario("checkpoint-fail", 450, 40_000, 0))) {
            drill.startJob(2, null);
            drill.startReplay();
            drill.awaitOutputsAndACheckpoint();
            long failedBefore = flink.checkpointCounts(drill.jobId).path("failed").asLong();
            // The job's checkpoint directory is replaced by a plain file: nothing can be created
            // under it, whoever runs the test (chmod does not stop root). The real directory is
            // kept aside, so the checkpoints already taken come back with it.
            Path jobCheckpoints = work.resolve("flink").resolve("checkpoints").resolve(drill.jobId);
            Path aside = jobCheckpoints.resolveSibling(drill.jobId + ".aside");
            long brokenAt = System.currentTimeMillis();
            Files.move(jobCheckpoints, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(jobCheckpoints, "not a directory: the checkpoint storage drill\n");
            Awaitility.await("checkpoints failing for 20 s").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> System.currentTimeMillis() - brokenAt >= 20_000
                            && flink.checkpointCounts(drill.jobId).path("failed").asLong() > failedBefore);
            long failed = flink.checkpointCounts(drill.jobId).path("failed").asLong() - failedBefore;
            assertThat(drill.replay.isDone()).as("replay still running when storage comes back").isFalse();
            Files.delete(jobCheckpoints);
            Files.move(aside, jobCheckpoints, StandardCopyOption.ATOMIC_MOVE);
            long repairedAt = System.currentTimeMillis();
            long completedAtRepair = drill.completedCheckpoints();
            Awaitility.await("a checkpoint completes again").atMost(OUTPUTS_BACK_WITHIN).pollInterval(Duration.ofMillis(300))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> drill.completedCheckpoints() > completedAtRepair);
            long checkpointBack = flink.latestCompletedAt(drill.jobId) - repairedAt;
            long outputsBack = drill.awaitNewOutcomeSeenAfter(repairedAt);
            long restarts = flink.restarts(drill.jobId);
            drill.finish();
            record("4. checkpoint directory replaced by a file for " + (repairedAt - brokenAt) / 1000 + " s",
                    failed + " checkpoints failed; " + restarts + " job restarts; checkpoint completes "
                            + checkpointBack / 1000.0 + " s and outcomes visible again " + outputsBack / 1000.0
                            + " s after the directory is back", drill);
        }
    }

    @Test
    @Order(5)
    void hangingKafkaTransactionHeldOpenAcrossTaskManagerFailover() throws Exception {
        try (Drill drill = new Drill("hang-failover", scenario("hang-failover", 400, 45_000, HANG_MS))) {
            drill.startJob(2, null);
            drill.startReplay();
            String hung = drill.awaitHangingKafkaTransaction(Duration.ofSeconds(1));
            long recovery = drill.killATaskManagerOfTheJob("kill during the hang",
                    () -> assertThat(drill.isOngoing(hung))
                            .as("the hanging Kafka transaction %s still open when the job has restored", hung).isTrue());
            drill.finish();
            record("5. hanging Kafka transaction (" + HANG_MS / 1000 + " s, then aborted) open across a TaskManager kill -9",
                    "outputs again after " + recovery / 1000.0 + " s (kill -> first outcome written after it); "
                            + "the hang was still open when the job had restored", drill);
        }
    }

    // ---------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Fault {
        /** Does the fault for the {@code n}th time; returns the milliseconds until outputs flowed again. */
        long apply(int n) throws Exception;
    }

    /**
     * Does {@code fault} {@code times} times while the replay runs, each time once outputs flow and
     * a checkpoint has completed since the previous fault was over: the job is settled again, as
     * between two incidents. (Faults back to back are another drill: see docs/reliability.md.)
     */
    private static List<Long> midReplay(Drill drill, int times, String what, Fault fault) throws Exception {
        List<Long> recoveries = new ArrayList<>();
        for (int n = 1; n <= times; n++) {
            drill.awaitOutputsAndACheckpoint();
            assertThat(drill.replay.isDone()).as("%s: replay still running at %s %d (mid-replay)", drill.name, what, n)
                    .isFalse();
            recoveries.add(fault.apply(n));
        }
        return recoveries;
    }

    /** A short scenario with every kind of trouble; late closes need a longer one. */
    private SimulationParams scenario(String name, int transactions, long durationMs, long hangMs) {
        SimulationParams.Builder b = Presets.named("mixed").toBuilder().name(name)
                .count(transactions).durationMs(durationMs).lateCloseShare(0);
        return (hangMs > 0 ? b.hangs(1).hangMs(hangMs) : b.hangs(0)).build();
    }

    private void record(String drill, String recovery, Drill d) {
        long doubled = d.outputs.outcomeCount() - d.outputs.outcomesPerTransaction().size()
                + d.outputs.stuckAlertCount() - d.outputs.stuckAlertsPerTransaction().size();
        String line = String.format("%s | %s | %d transactions, %d outcomes, %d stuck alerts (truth: %d), "
                        + "%d doubled | validation PASSED",
                drill, recovery, d.truth().summary().transactions(), d.outputs.outcomeCount(), d.outputs.stuckAlertCount(),
                d.truth().summary().stuckAlerts(), doubled);
        figures.add(line);
        System.out.println("DRILL " + line);
    }

    private static String seconds(List<Long> ms) {
        return ms.stream().map(m -> m / 1000.0 + " s").collect(Collectors.joining(", "));
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** One drill's topics, scenario, job and committed outputs. */
    private final class Drill implements AutoCloseable {
        final String name;
        final Scenario scenario;
        final SimulationParams params;
        final String events;
        final String outcomes;
        final String alerts;
        final CommittedOutputs outputs;
        String jobId;
        int parallelism;
        CompletableFuture<Void> replay;
        MetricsPage lastMetrics;

        Drill(String name, SimulationParams params) throws Exception {
            this.name = name;
            this.params = params;
            this.scenario = Simulator.generate(params, work.resolve("scenario-" + name));
            this.events = name + "-txn-events";
            this.outcomes = name + "-txn-outcomes";
            this.alerts = name + "-txn-alerts";
            try (Admin admin = kafka.admin()) {
                // Broker time on the output topics: a record's timestamp is when the job wrote it.
                Map<String, String> appendTime = Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
                admin.createTopics(List.of(
                        new NewTopic(events, EVENT_PARTITIONS, (short) 1),
                        new NewTopic(outcomes, OUTCOME_PARTITIONS, (short) 1).configs(appendTime),
                        new NewTopic(alerts, ALERT_PARTITIONS, (short) 1).configs(appendTime),
                        new NewTopic(name + "-txn-dead-letters", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            this.outputs = new CommittedOutputs(kafka.bootstrap(), outcomes, OUTCOME_PARTITIONS, alerts, ALERT_PARTITIONS);
        }

        Truth truth() {
            return scenario.truth();
        }

        void startJob(int parallelism, String savepoint) throws Exception {
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", kafka.bootstrap(),
                    "--topics", events, "--outcomes-topic", outcomes, "--alerts-topic", alerts,
                    "--dead-letter-topic", name + "-txn-dead-letters",
                    "--monitor-group-id", name + "-monitor", "--committed-group-id", name + "-committed",
                    "--transactional-id-prefix", name + "-job", "--job-name", "txinsight drill " + name,
                    "--starting-offsets", "earliest", "--retention", "5m", "--checkpoint-interval", "2s",
                    "--parallelism", String.valueOf(parallelism),
                    "--stuck-timeout", params.stuckTimeoutMs() + "ms",
                    "--abort-grace", params.abortGraceMs() + "ms",
                    "--out-of-orderness", params.outOfOrdernessMs() + "ms"));
            this.jobId = flink.runJar(jarId, args, savepoint);
            this.parallelism = parallelism;
            Awaitility.await(name + " job RUNNING").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> "RUNNING".equals(flink.jobState(jobId)));
            if (savepoint == null) {
                // As an operator would before trusting it: a first checkpoint complete, so the
                // exactly-once sinks' first Kafka transactions are settled.
                Awaitility.await(name + " first checkpoint").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                        .ignoreExceptionsInstanceOf(IOException.class)
                        .until(() -> completedCheckpoints() >= 1);
            }
        }

        void startReplay() {
            ReplayOptions options = ReplayOptions.builder(scenario.eventsFile())
                    .bootstrapServers(kafka.bootstrap()).speed(Speed.parse("1")).progress(false)
                    .routing(new TopicRouting(Map.of(), name + "-"))
                    .transactionalIdPrefix(name + "-replay")
                    .build();
            replay = CompletableFuture.runAsync(() -> {
                try {
                    new Replayer().replay(options);
                } catch (Exception e) {
                    throw new IllegalStateException("replay of " + name + " failed", e);
                }
            });
        }

        long completedCheckpoints() throws IOException, InterruptedException {
            return flink.checkpointCounts(jobId).path("completed").asLong();
        }

        /** Outputs are flowing (outcomes committed) and a checkpoint completed since now. */
        void awaitOutputsAndACheckpoint() throws Exception {
            int seen = outputs.outcomeCount();
            long completed = completedCheckpoints();
            Awaitility.await(name + ": new outcomes and a new checkpoint").atMost(OUTPUTS_BACK_WITHIN)
                    .pollInterval(Duration.ofMillis(300))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> outputs.outcomeCount() > seen && completedCheckpoints() > completed);
        }

        /**
         * {@code kill -9} of a TaskManager running the job (a new one is started in its place);
         * waits until the job has restored, checks it restored the newest checkpoint completed
         * before it failed, and returns the milliseconds from the kill to the first outcome
         * written after it. {@code whenRestored} runs at once when the restore is seen.
         */
        long killATaskManagerOfTheJob(String which, ThrowingRunnable whenRestored) throws Exception {
            List<FlinkSessionCluster.TaskManager> busy = flink.taskManagersOf(jobId);
            assertThat(busy).as("TaskManagers running the job").isNotEmpty();
            long restoredBefore = flink.restoredCheckpoint(jobId);
            long killedAt = System.currentTimeMillis();
            flink.killAndReplace(busy.get(0));
            Awaitility.await(name + ": restored after " + which).atMost(OUTPUTS_BACK_WITHIN).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> flink.restoredCheckpoint(jobId) != restoredBefore);
            long restoredSeenAt = System.currentTimeMillis();
            whenRestored.run();
            long failedAt = flink.lastRestartingAt(jobId);
            assertThat(flink.restoredCheckpoint(jobId)).as("%s: restored from the newest checkpoint completed before it failed", which)
                    .isEqualTo(flink.latestCompletedAtOrBefore(jobId, failedAt));
            long outputs = awaitNewOutcomeWrittenAfter(killedAt);
            System.out.printf("DRILL %s %s: job failed %.1f s after the kill, restored seen at %.1f s, outputs again at %.1f s%n",
                    name, which, (failedAt - killedAt) / 1000.0, (restoredSeenAt - killedAt) / 1000.0, outputs / 1000.0);
            return outputs;
        }

        long killATaskManagerOfTheJob(String which) throws Exception {
            return killATaskManagerOfTheJob(which, () -> {});
        }

        /** Milliseconds from {@code faultAt} to the first outcome the broker appended after it (read_committed). */
        long awaitNewOutcomeWrittenAfter(long faultAt) {
            Awaitility.await(name + ": an outcome written after the fault").atMost(OUTPUTS_BACK_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> outputs.firstOutcomeAfter(faultAt).isPresent());
            return outputs.firstOutcomeAfter(faultAt).getAsLong() - faultAt;
        }

        /** Milliseconds from {@code at} to the first outcome this reader saw after it (read_committed). */
        long awaitNewOutcomeSeenAfter(long at) {
            Awaitility.await(name + ": an outcome visible after " + at).atMost(OUTPUTS_BACK_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> outputs.firstOutcomeSeenAfter(at).isPresent());
            return outputs.firstOutcomeSeenAfter(at).getAsLong() - at;
        }

        /** The replayer's Kafka transaction that has been open for at least {@code openFor}: the scenario's hang. */
        String awaitHangingKafkaTransaction(Duration openFor) {
            String[] found = new String[1];
            Awaitility.await(name + ": the hanging Kafka transaction open").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        for (TransactionDescription t : replayTransactions().values()) {
                            if (t.state() == TransactionState.ONGOING && t.transactionStartTimeMs().isPresent()
                                    && System.currentTimeMillis() - t.transactionStartTimeMs().getAsLong() >= openFor.toMillis()) {
                                found[0] = t.topicPartitions().toString() + "@" + t.transactionStartTimeMs().getAsLong();
                                return true;
                            }
                        }
                        return false;
                    });
            return found[0];
        }

        boolean isOngoing(String hang) throws Exception {
            return replayTransactions().values().stream().anyMatch(t -> t.state() == TransactionState.ONGOING
                    && (t.topicPartitions().toString() + "@" + t.transactionStartTimeMs().orElse(-1)).equals(hang));
        }

        private Map<String, TransactionDescription> replayTransactions() throws Exception {
            try (Admin admin = kafka.admin()) {
                Set<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                        .map(TransactionListing::transactionalId)
                        .filter(id -> id.startsWith(name + "-replay"))
                        .collect(Collectors.toSet());
                return ids.isEmpty() ? Map.of() : admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS);
            }
        }

        MetricsPage taskManagerMetrics() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            StringBuilder all = new StringBuilder();
            for (FlinkSessionCluster.TaskManager tm : flink.taskManagersOf(jobId)) {
                all.append(http.send(HttpRequest.newBuilder(tm.metrics()).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body()).append('\n');
            }
            return MetricsPage.parse(all.toString());
        }

        /**
         * The end of every drill: the replay done, the validator passes, the job's metrics read and
         * the job cancelled, then every committed output counted: one outcome per finished
         * transaction, one stuck alert per transaction the truth says went stuck, nothing else.
         */
        void finish() throws Exception {
            replay.get(3, TimeUnit.MINUTES);
            Validation validation;
            try (OutcomeReader reader = new OutcomeReader(kafka.bootstrap(), Map.of(), outcomes, alerts)) {
                OutcomeReader.Result result = reader.read(truth(), Duration.ofSeconds(120), line -> {});
                validation = Validation.compare(truth(), result.outcomes(), result.alerts());
            }
            assertThat(validation.passed()).as("%s: job outcomes vs truth:\n%s\n%s", name, validation.table(), flink.logs())
                    .isTrue();
            assertThat(validation.matched()).isEqualTo(truth().summary().transactions());

            lastMetrics = taskManagerMetrics();
            flink.cancel(jobId);
            Awaitility.await(name + " job CANCELED").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> "CANCELED".equals(flink.jobState(jobId)));
            long cancelled = System.currentTimeMillis();
            Awaitility.await(name + ": every committed output read").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> outputs.caughtUpSince(cancelled));

            // The validator keeps one outcome per transaction, so a doubled one would pass it:
            // duplicates are counted here, on every record the job committed.
            Map<String, Integer> outcomeCounts = outputs.outcomesPerTransaction();
            Map<String, Integer> alertCounts = outputs.stuckAlertsPerTransaction();
            Set<Verdict> finished = Set.of(Verdict.CLOSED_SUCCESS, Verdict.CLOSED_FAILED, Verdict.ABORTED);
            Set<String> known = truth().transactions().stream().map(Truth.Transaction::txnId).collect(Collectors.toSet());
            for (Truth.Transaction t : truth().transactions()) {
                int expectedOutcomes = finished.contains(t.verdict()) ? 1 : 0;
                if (finished.contains(t.verdict())) {
                    assertThat(outcomeCounts.getOrDefault(t.txnId(), 0)).as("%s: outcomes of %s (%s)\n%s", name, t.txnId(), t,
                            outputs.about(t.txnId())).isEqualTo(expectedOutcomes);
                } else {
                    assertThat(outcomeCounts.getOrDefault(t.txnId(), 0)).as("%s: outcomes of %s (%s)", name, t.txnId(), t.verdict())
                            .isLessThanOrEqualTo(1);
                }
                assertThat(alertCounts.getOrDefault(t.txnId(), 0)).as("%s: stuck alerts of %s (truth: %s)\n%s", name, t.txnId(),
                        t, outputs.about(t.txnId())).isEqualTo(t.stuckAlert() ? 1 : 0);
            }
            assertThat(outcomeCounts.keySet()).as("%s: outcomes only for the scenario's transactions", name).isSubsetOf(known);
            assertThat(alertCounts.keySet()).as("%s: stuck alerts only for the scenario's transactions", name).isSubsetOf(known);
        }

        @Override
        public void close() throws Exception {
            outputs.close();
            if (jobId != null && !Set.of("CANCELED", "FINISHED", "FAILED").contains(flink.jobState(jobId))) {
                flink.cancel(jobId);
            }
            if (replay != null && !replay.isDone()) {
                replay.cancel(true);
            }
        }
    }

    /**
     * The broker in its own JVM ({@code txinsight broker}), on a fixed port, controller port and
     * data directory, so a {@code kill -9} can be followed by a start of the same node.
     */
    private static final class KafkaProcess implements AutoCloseable {
        private final Path dir;
        private final int port;
        private final int controllerPort;
        private final List<ChildJvm> processes = new ArrayList<>();
        private ChildJvm current;

        private KafkaProcess(Path dir, int port, int controllerPort) {
            this.dir = dir;
            this.port = port;
            this.controllerPort = controllerPort;
        }

        static KafkaProcess start(Path dir) throws Exception {
            KafkaProcess k = new KafkaProcess(Files.createDirectories(dir), FlinkSessionCluster.freePort(),
                    FlinkSessionCluster.freePort());
            k.startOne();
            return k;
        }

        private void startOne() throws Exception {
            Path log = dir.resolve("kafka-" + (processes.size() + 1) + ".log");
            current = ChildJvm.start("kafka #" + (processes.size() + 1), System.getProperty("java.class.path"),
                    List.of("-Xmx512m"), BrokerCommand.class.getName(),
                    List.of("--port", String.valueOf(port), "--controller-port", String.valueOf(controllerPort),
                            "--data-dir", dir.resolve("data").toString()),
                    log);
            processes.add(current);
            ChildJvm starting = current;
            Awaitility.await("Kafka up in its own JVM").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!starting.isAlive()) {
                            throw new IllegalStateException("Kafka exited; log:\n" + FlinkSessionCluster.tail(starting.log()));
                        }
                        return Files.readString(starting.log()).contains("Kafka is up");
                    });
        }

        /** {@code kill -9}, then the same node started again on the same port and log directory. */
        void killAndRestart() throws Exception {
            current.kill();
            startOne();
        }

        String bootstrap() {
            return "127.0.0.1:" + port;
        }

        Admin admin() {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            return Admin.create(p);
        }

        List<ChildJvm> processes() {
            return List.copyOf(processes);
        }

        @Override
        public void close() {
            current.close();
        }
    }
}
