package io.txinsight.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.txinsight.replayer.ReplayOptions;
import io.txinsight.replayer.Replayer;
import io.txinsight.replayer.Speed;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import io.txinsight.validator.OutcomeReader;
import io.txinsight.validator.Validation;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator does, end to end: a Kafka broker in its own JVM, a Flink session cluster
 * (JobManager and TaskManager as separate JVMs from the Maven jars), the shaded job jar submitted
 * through the REST API, a scenario replayed into Kafka, the outcomes checked against the truth,
 * the TaskManager's Prometheus endpoint read, and the job cancelled through REST.
 */
class SessionClusterEndToEndTest {

    private static final Path JOB_JAR = Path.of("..", "job", "target", "txinsight-job.jar").toAbsolutePath().normalize();

    @Test
    void operatorSubmitsTheJobJarToASessionClusterAndItSeesWhatReallyHappened(@TempDir Path work) throws Exception {
        assertThat(JOB_JAR).as("the shaded job jar (built by the job module's package phase)").exists();

        // Our code reaches the cluster only through the job jar, as on a real cluster.
        String flinkClasspath = ChildJvm.classpath(entry -> !entry.contains("txinsight")
                && !entry.contains(File.separator + "kafka")
                && !entry.contains("scala-") && !entry.contains("flink-connector-kafka") && !entry.contains("flink-connector-base")
                && !entry.contains("junit") && !entry.contains("assertj") && !entry.contains("awaitility")
                && !entry.contains("opentest4j") && !entry.contains("jfree") && !entry.contains("HdrHistogram"));
        int kafkaPort = FlinkSessionCluster.freePort();
        List<ChildJvm> started = new ArrayList<>();
        try (ChildJvm kafka = ChildJvm.start("kafka", System.getProperty("java.class.path"), List.of("-Xmx512m"),
                BrokerCommand.class.getName(),
                List.of("--port", String.valueOf(kafkaPort),
                        "--topics", "txn-events:2,txn-outcomes:2,txn-alerts:1,txn-dead-letters:1"),
                work.resolve("kafka.log"));
                FlinkSessionCluster flink = FlinkSessionCluster.start(work, flinkClasspath)) {
            started.add(kafka);
            started.addAll(flink.processes());
            String bootstrap = "127.0.0.1:" + kafkaPort;
            Awaitility.await("Kafka in its own JVM").atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(kafka.log()).contains("Kafka is up"));

            // Every kind of trouble but late closes (they need a longer scenario), replayed at 2x.
            SimulationParams params = Presets.named("mixed").toBuilder()
                    .count(600).durationMs(25_000).lateCloseShare(0).hangs(1).hangMs(3_000).build();
            Scenario scenario = Simulator.generate(params, work.resolve("scenario"));
            Map<String, String> timing = Map.of(
                    "--stuck-timeout", params.stuckTimeoutMs() + "ms",
                    "--abort-grace", params.abortGraceMs() + "ms",
                    "--out-of-orderness", params.outOfOrdernessMs() + "ms");

            String jarId = flink.uploadJar(JOB_JAR);
            List<String> args = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--topics", "txn-events",
                    "--starting-offsets", "earliest",
                    "--retention", "5m", "--checkpoint-interval", "2s", "--parallelism", "2"));
            timing.forEach((k, v) -> args.addAll(List.of(k, v)));
            String jobId = flink.runJar(jarId, args);
            Awaitility.await("job RUNNING").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                    .until(() -> "RUNNING".equals(flink.jobState(jobId)));
            // As an operator would before trusting it: every task running and a first checkpoint
            // complete (the exactly-once sinks' first Kafka transactions are then settled).
            Awaitility.await("first checkpoint").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300))
                    .until(() -> flink.get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt() >= 1);

            new Replayer().replay(ReplayOptions.builder(scenario.eventsFile())
                    .bootstrapServers(bootstrap).speed(Speed.parse("2")).progress(false).build());

            Validation validation;
            try (OutcomeReader reader = new OutcomeReader(bootstrap, Map.of(), "txn-outcomes", "txn-alerts")) {
                OutcomeReader.Result result = reader.read(scenario.truth(), Duration.ofSeconds(120), line -> {});
                validation = Validation.compare(scenario.truth(), result.outcomes(), result.alerts());
            }
            assertThat(validation.passed()).as("job outcomes vs truth:\n%s\n%s", validation.table(), flink.logs()).isTrue();
            assertThat(validation.matched()).isEqualTo(scenario.truth().summary().transactions());

            HttpClient http = HttpClient.newHttpClient();
            String metrics = http.send(HttpRequest.newBuilder(flink.taskManagerMetrics()).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            MetricsPage page = MetricsPage.parse(metrics);
            assertThat(page.sum("txinsights_closed")).isGreaterThan(0);
            assertThat(page.sum("txinsights_aborted")).isGreaterThan(0);
            assertThat(page.sum("txinsights_stuck")).isGreaterThan(0);
            assertThat(page.quantile("txinsights_duration_ms_bucket", 0.99)).isGreaterThan(0);

            flink.cancel(jobId);
            Awaitility.await("job CANCELED").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> "CANCELED".equals(flink.jobState(jobId)));
        }
        for (ChildJvm p : started) {
            assertThat(p.isAlive()).as("%s (pid %d) stopped", p.name(), p.pid()).isFalse();
        }
    }
}
