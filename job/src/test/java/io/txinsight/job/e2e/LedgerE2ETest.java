package io.txinsight.job.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.txinsight.events.Truth;
import io.txinsight.events.Verdict;
import io.txinsight.job.JobConfig;
import io.txinsight.job.LocalMiniCluster;
import io.txinsight.job.TxInsightJob;
import io.txinsight.job.sinks.LedgerOutputs;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.ledger.LedgerConnection;
import io.txinsight.ledger.ThrowawayPostgres;
import io.txinsight.replayer.ReplayOptions;
import io.txinsight.replayer.Replayer;
import io.txinsight.replayer.Speed;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with {@code --ledger-url} against a real PostgreSQL (one {@link ThrowawayPostgres} for
 * the class), a real broker and a MiniCluster: a replayed scenario lands in the ledger one row per
 * transaction, agreeing with the truth, its open's attributes included; the same input tracked again changes no count; and while
 * the database is down the job goes on tracking, the Kafka outputs keep flowing, the pending-rows
 * gauge rises, and every row arrives once the database is back.
 */
class LedgerE2ETest {
    private static final int PORT = freePort();
    private static final Pattern PENDING = Pattern.compile(
            "^flink_taskmanager_job_task_operator_txinsights_ledger_rows_pending\\{[^}]*} (\\S+)$", Pattern.MULTILINE);
    private static final Pattern FAILURES = Pattern.compile(
            "^flink_taskmanager_job_task_operator_txinsights_ledger_write_failures\\{[^}]*} (\\S+)$", Pattern.MULTILINE);

    @RegisterExtension
    static final MiniClusterExtension FLINK = LocalMiniCluster.withSlots(4, Configuration.fromMap(Map.of(
            "metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
            "metrics.reporter.prom.port", String.valueOf(PORT))));

    @RegisterExtension
    static final KafkaBroker kafka = new KafkaBroker();

    @TempDir
    static Path scenarios;

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = ThrowawayPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void emptyLedger() throws SQLException {
        LedgerOutputs.open(postgres.connection());
        execute("TRUNCATE transactions, alerts");
    }

    @Test
    void everyOutcomeLandsOnceAgreeingWithTheTruthAndTrackingTheInputAgainDuplicatesNothing() throws Exception {
        Tracked first = track("once", 11, null);
        Map<Verdict, Long> ledger = ledgerVerdicts();
        assertThat(ledger).as("rows per verdict in the ledger").isEqualTo(truthVerdicts(first.truth));
        assertThat(count("SELECT count(*) FROM transactions")).isEqualTo(first.truth.transactions().size());
        assertThat(count("SELECT count(*) FROM transactions WHERE state IS NOT NULL")).isEqualTo(first.outcomes);
        assertThat(count("SELECT count(*) FROM alerts")).isEqualTo(first.alerts).isPositive();
        // The open's half of every row: its financial attributes, from the open itself.
        assertThat(count("SELECT count(*) FROM transactions WHERE account IS NULL OR amount IS NULL"
                + " OR currency IS NULL OR merchant IS NULL OR category IS NULL")).isZero();

        // The same input tracked again from the start (a restore from an old checkpoint writes the
        // same rows again): every row is written a second time, and no count moves.
        Tracked again = track("once", 11, "again");
        assertThat(count("SELECT count(*) FROM transactions")).isEqualTo(first.truth.transactions().size());
        assertThat(count("SELECT count(*) FROM alerts")).isEqualTo(first.alerts);
        assertThat(ledgerVerdicts()).isEqualTo(ledger);
        assertThat(again.outcomes).isEqualTo(first.outcomes);
    }

    @Test
    void whilePostgresIsDownTrackingGoesOnAndEveryRowArrivesWhenItIsBack() throws Exception {
        Tracked down = track("down", 12, null, () -> {
            postgres.stopServer();
            return null;
        });
        // Back: the pending rows go out, and the gauge falls to zero.
        postgres.restartServer();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> count("SELECT count(*) FROM transactions WHERE state IS NOT NULL") == down.outcomes
                        && count("SELECT count(*) FROM transactions") == down.truth.transactions().size()
                        && count("SELECT count(*) FROM alerts") == down.alerts);
        await().atMost(Duration.ofSeconds(30)).until(() -> sum(PENDING) == 0);
        assertThat(ledgerVerdicts()).isEqualTo(truthVerdicts(down.truth));
        assertThat(down.pendingWhileDown).as("rows pending while the database was down").isPositive();
        assertThat(sum(FAILURES)).as("failed writes counted").isPositive();
        down.job.cancel().get();
    }

    @Test
    void badCredentialsStopTheStartNamingTheOptions() {
        LedgerConnection wrong = new LedgerConnection(postgres.jdbcUrl(), ThrowawayPostgres.USER, "not-the-password");
        JobConfig config = JobConfig.DEFAULTS.withBootstrapServers(kafka.bootstrapServers()).withLedger(wrong);
        assertThatThrownBy(() -> TxInsightJob.onKafka(config, false))
                .isInstanceOf(LedgerOutputs.LedgerUnavailableException.class)
                .hasMessageContaining("refused user 'ledger'")
                .hasMessageContaining("--ledger-user")
                .hasMessageContaining("--ledger-password")
                .hasMessageNotContaining("not-the-password");
        assertThat(config.toString()).doesNotContain("not-the-password");
    }

    /** What one run tracked: the truth, and how many outcomes and alerts reached Kafka. */
    private record Tracked(Truth truth, long outcomes, long alerts, double pendingWhileDown, JobClient job) {}

    private interface Outage {
        Void begin() throws Exception;
    }

    private Tracked track(String name, long seed, String rerun) throws Exception {
        Tracked t = track(name, seed, rerun, null);
        t.job.cancel().get();
        return t;
    }

    /**
     * Replays a short mixed scenario through the job with the ledger and waits until Kafka has
     * every outcome and alert the truth expects, and the ledger too unless {@code outage} takes
     * the database away after the job started. {@code rerun} tracks the scenario already in the
     * topic again, with new consumer groups and output topics. The job keeps running for the
     * caller when there is an outage.
     */
    private Tracked track(String name, long seed, String rerun, Outage outage) throws Exception {
        String topic = "ledger-" + name + "-events";
        String run = rerun == null ? name : name + "-" + rerun;
        SimulationParams params = Presets.named("mixed").toBuilder()
                .seed(seed).count(300).durationMs(20_000).stuckTimeoutMs(4_000).lateCloseShare(0).stuckShare(0.05).hangs(0).topic(topic).build().validate();
        Scenario scenario = Simulator.generate(params, scenarios.resolve(run));
        Truth truth = scenario.truth();
        Truth.Timing timing = truth.timing();
        if (rerun == null) {
            kafka.createTopic(topic, 3);
        }
        kafka.createTopics(2, run + "-outcomes", run + "-alerts", run + "-dead-letters");
        JobConfig config = JobConfig.DEFAULTS
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopics(topic)
                .withStartingOffsets(StartingOffsets.EARLIEST)
                .withGroupIds(run + "-monitor", run + "-committed")
                .withTracker(JobConfig.DEFAULTS.tracker()
                        .withStuckTimeoutMs(timing.stuckTimeoutMs())
                        .withAbortGraceMs(timing.abortGraceMs())
                        .withOutlierFactor(timing.outlierFactor()))
                .withOutOfOrdernessMs(timing.outOfOrdernessMs())
                .withOutputTopics(run + "-outcomes", run + "-alerts", run + "-dead-letters")
                .withCheckpointIntervalMs(1_000)
                .withParallelism(2)
                .withTransactionalIdPrefix("ledger-" + run)
                .withJobName("ledger-" + run)
                .withLedger(postgres.connection());
        long startedAt = count("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
        String since = " WHERE written_at >= to_timestamp(" + startedAt + " / 1000.0)";
        JobClient job = TxInsightJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config);
        try (JobOutputs outputs = new JobOutputs(kafka.bootstrapServers(), run + "-outcomes", run + "-alerts")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> job.getJobStatus().get() == JobStatus.RUNNING);
            if (outage != null) {
                outage.begin();
            }
            if (rerun == null) {
                new Replayer().replay(ReplayOptions.builder(scenario.eventsFile())
                        .bootstrapServers(kafka.bootstrapServers())
                        .speed(Speed.parse("3"))
                        .progress(false)
                        .transactionalIdPrefix("ledger-" + name + "-replay")
                        .build());
            }
            TruthCheck check = new TruthCheck(truth, outputs);
            assertThat(outputs.pollUntil(check::allAccountedFor, Duration.ofSeconds(120)))
                    .as("%s: every transaction accounted for in Kafka; mismatches %s", run, check.verdictMismatches())
                    .isTrue();
            assertThat(check.verdictMismatches()).isEmpty();
            long outcomes = outputs.outcomes().size();
            long alerts = outputs.alerts().values().stream().mapToLong(java.util.List::size).sum();
            double pending = 0;
            if (outage == null) {
                // Every row written by this run (a second run writes them all again).
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                        .until(() -> count("SELECT count(*) FROM transactions" + since + " AND state IS NOT NULL") == outcomes
                                && count("SELECT count(*) FROM transactions" + since) == truth.transactions().size()
                                && count("SELECT count(*) FROM alerts" + since) == alerts);
            } else {
                // The Kafka outputs, exactly-once, are visible only at completed checkpoints: they
                // arrived, so checkpoints went on while the database was down.
                pending = sum(PENDING);
                assertThat(count("SELECT 1")).as("the database is down").isEqualTo(-1);
            }
            return new Tracked(truth, outcomes, alerts, pending, job);
        } catch (Exception | AssertionError e) {
            job.cancel().get();
            throw e;
        }
    }

    private static Map<Verdict, Long> truthVerdicts(Truth truth) {
        Map<Verdict, Long> counts = new EnumMap<>(truth.summary().byVerdict());
        counts.values().removeIf(n -> n == 0);
        return counts;
    }

    /**
     * Rows of {@code transactions} by the verdict their state, result and was_stuck say; a row in
     * flight (its open's half only) is a stuck one, as the scenarios end.
     */
    private static Map<Verdict, Long> ledgerVerdicts() throws SQLException {
        Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
        try (Connection c = postgres.connection().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT state, result, was_stuck, count(*) FROM transactions"
                        + " GROUP BY state, result, was_stuck")) {
            while (rs.next()) {
                Verdict v = switch (java.util.Objects.requireNonNullElse(rs.getString(1), "open")) {
                    case "open" -> Verdict.STUCK;
                    case "closed" -> "failed".equals(rs.getString(2)) ? Verdict.CLOSED_FAILED : Verdict.CLOSED_SUCCESS;
                    case "aborted" -> Verdict.ABORTED;
                    default -> rs.getBoolean(3) ? Verdict.STUCK : Verdict.EXPIRED;
                };
                counts.merge(v, rs.getLong(4), Long::sum);
            }
        }
        return counts;
    }

    /** A count, or -1 when the database does not answer. */
    private static long count(String sql) {
        try (Connection c = postgres.connection().dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = postgres.connection().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The sum over every subtask of a ledger metric, as the Prometheus reporter shows it now. */
    private static double sum(Pattern metric) throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = metric.matcher(body);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
