package io.txinsight.sandbox;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Truth;
import io.txinsight.job.JobConfig;
import io.txinsight.job.JobOptions;
import io.txinsight.job.TxInsightJob;
import io.txinsight.replayer.ReplayOptions;
import io.txinsight.replayer.Replayer;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.simulator.Simulator;
import io.txinsight.validator.OutcomeReader;
import io.txinsight.validator.Validation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code txinsight demo}: the whole system in one process. An embedded Kafka, the job on a local
 * Flink runtime (web UI, Prometheus endpoint), and a simulated workload replayed into Kafka with
 * its original timing, while a one-line summary is printed every few seconds. A finite run ends
 * with the validation table: what the job concluded against what really happened.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts an embedded Kafka (KRaft), runs the txinsight job on a local Flink runtime with its web UI",
            "and Prometheus endpoint, and drives a simulated workload through it (replayed with its original",
            "timing, event times shifted to now). Prints a live summary every few seconds. With --duration it",
            "stops by itself and prints the validation table; otherwise it runs until Ctrl-C.",
            "Everything it starts stops on exit, and its temporary files are deleted."
        },
        footer = {"", "Examples:", "  ./txinsight demo", "  ./txinsight demo --duration 60s",
            "  ./txinsight demo --preset stuck --web-port 18081 --metrics-port 19249",
            "", "Presets: " + "high_throughput, stuck_transactions, aborted_kafka_transactions, outliers_and_disorder,",
            "account_velocity, hanging_kafka_transaction, mixed (the default; aliases: throughput, stuck, aborted,",
            "outliers, velocity, hanging, demo)."})
public final class DemoCommand implements Callable<Integer> {

    static final String EVENTS_TOPIC = "txn-events";
    private static final Pattern COMPLETED_CHECKPOINTS = Pattern.compile("\"completed\":(\\d+)");

    @Option(names = "--duration", defaultValue = "0", converter = JobOptions.DurationConverter.class,
            description = "Stop after this long (e.g. 60s, 5m) and print the validation table; 0 runs until Ctrl-C (default).")
    long durationMs;

    @Option(names = "--preset", defaultValue = "mixed", description = "Workload preset (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--metrics-port", defaultValue = "9249", description = "Prometheus endpoint port (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Kafka port on 127.0.0.1; 0 picks a free one (default).")
    int kafkaPort;

    @Option(names = "--summary-every", defaultValue = "5s", converter = JobOptions.DurationConverter.class,
            description = "How often to print the live summary (default: ${DEFAULT-VALUE}).")
    long summaryEveryMs;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    /**
     * Time the job needs after the workload ends: the scenario already carries enough traffic after
     * every stuck, aborted or hanging transaction to decide it, so what is left is the abort grace
     * and a checkpoint (outcomes are written exactly-once, visible at checkpoints).
     */
    private static final long DRAIN_MS = 12_000;
    /** The shortest workload that fits every kind of trouble of the mixed preset. */
    private static final long MIN_SPAN_MS = 30_000;
    /** A scenario's records run a few seconds past its arrivals (closes, the end of a hang). */
    private static final long TAIL_MS = 4_000;
    /** How far past --duration a late-starting finite run may go to finish its workload. */
    private static final long OVERTIME_MS = 30_000;
    /** Time to start the broker and the job before the workload begins. */
    private static final long STARTUP_MS = 10_000;

    @Override
    public Integer call() throws Exception {
        SimulationParams base = Presets.named(preset);
        if (durationMs > 0 && durationMs < 60_000) {
            throw new IllegalArgumentException("--duration must be at least 60s: the job needs ~10-15 s to start, the"
                    + " workload at least " + MIN_SPAN_MS / 1000 + " s to show every kind of trouble, and "
                    + DRAIN_MS / 1000 + " s after it to decide the last transactions");
        }
        Ports.requireFree(webPort, "the Flink web UI", "--web-port");
        Ports.requireFree(metricsPort, "the Prometheus endpoint", "--metrics-port");
        Ports.requireFree(kafkaPort, "Kafka", "--kafka-port");

        long startNanos = System.nanoTime();
        Path workDir = Files.createTempDirectory("txinsight-demo-");
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread ctrlC = new Thread(() -> {
            stop.countDown();
            JobCommand.awaitQuietly(stopped, 90);
        }, "demo-ctrl-c");
        Runtime.getRuntime().addShutdownHook(ctrlC);

        EmbeddedKafkaBroker kafka = null;
        JobClient job = null;
        Replayer replayer = new Replayer();
        Thread driver = null;
        try {
            kafka = EmbeddedKafkaBroker.start(kafkaPort, Map.of());
            // On Ctrl-C the finally block below stops Kafka last, after the workload and the job.
            kafka.handShutdownToCaller();
            kafka.createTopics(3, EVENTS_TOPIC, "txn-outcomes");
            kafka.createTopics(1, "txn-alerts", "txn-dead-letters");
            say("Kafka is up at " + kafka.bootstrapServers() + " (topics txn-events, txn-outcomes, txn-alerts, txn-dead-letters)");

            JobConfig config = JobConfig.DEFAULTS
                    .withBootstrapServers(kafka.bootstrapServers())
                    .withTopics(EVENTS_TOPIC)
                    .withTracker(JobConfig.DEFAULTS.tracker()
                            .withStuckTimeoutMs(base.stuckTimeoutMs())
                            .withAbortGraceMs(base.abortGraceMs())
                            .withOutlierFactor(base.outlierFactor())
                            .withRetentionMs(300_000))
                    .withOutOfOrdernessMs(base.outOfOrdernessMs())
                    .withCheckpointIntervalMs(5_000)
                    .withParallelism(parallelism)
                    .withJobName("txinsight-demo");
            job = TxInsightJob.start(LocalFlink.environment(webPort, metricsPort, workDir, parallelism), config);
            awaitRunning(job);
            awaitFirstCheckpoint(job, webPort);
            say("The job is running. Flink web UI: http://localhost:" + webPort
                    + "   Prometheus endpoint: http://localhost:" + metricsPort + "/metrics");

            AtomicReference<Scenario> finiteScenario = new AtomicReference<>();
            AtomicReference<Throwable> driverFailure = new AtomicReference<>();
            AtomicLong replayedAt = new AtomicLong();
            String bootstrap = kafka.bootstrapServers();
            long spanMs = durationMs > 0
                    ? Math.max(MIN_SPAN_MS, durationMs - elapsedMs(startNanos) - DRAIN_MS - TAIL_MS)
                    : base.spanMs();
            driver = new Thread(() -> {
                try {
                    for (int round = 0; stop.getCount() > 0; round++) {
                        SimulationParams params = base.toBuilder()
                                .seed(base.seed() + round)
                                .idPrefix("R" + round + "-")
                                .count(Math.max(1, Math.round(base.count() * (double) spanMs / base.spanMs())))
                                .durationMs(spanMs)
                                .build();
                        Scenario scenario = Simulator.generate(params, workDir.resolve("scenario-" + round));
                        say(String.format("Replaying %s: %,d transactions over %ds (round %d)%s", params.name(),
                                scenario.truth().summary().transactions(), spanMs / 1000, round + 1,
                                durationMs > 0 ? "" : "; Ctrl-C stops"));
                        replayer.replay(ReplayOptions.builder(scenario.eventsFile())
                                .bootstrapServers(bootstrap)
                                .rebaseTime(true)
                                .progress(false)
                                .build());
                        if (durationMs > 0) {
                            finiteScenario.set(scenario);
                            replayedAt.set(System.nanoTime());
                            return;
                        }
                    }
                } catch (Throwable e) {
                    if (stop.getCount() > 0 && !replayer.isStopRequested()) {
                        driverFailure.set(e);
                    }
                }
            }, "demo-workload");
            driver.setDaemon(true);
            driver.start();

            LiveSummary summary = new LiveSummary(URI.create("http://localhost:" + metricsPort + "/metrics"), System.out);
            long endNanos = durationMs > 0 ? startNanos + TimeUnit.MILLISECONDS.toNanos(durationMs) : Long.MAX_VALUE;
            boolean overtimeSaid = false;
            while (!stop.await(summaryEveryMs, TimeUnit.MILLISECONDS)) {
                summary.printOnce();
                if (driverFailure.get() != null) {
                    throw new IllegalStateException("the workload failed: " + driverFailure.get().getMessage(), driverFailure.get());
                }
                if (job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                    throw new IllegalStateException("the job ended unexpectedly: " + job.getJobStatus().get()
                            + "; see the Flink web UI's exceptions tab or the log above");
                }
                long now = System.nanoTime();
                if (now < endNanos) {
                    continue;
                }
                // A slow start can push the workload's end past --duration; the validation table is
                // only meaningful once it has been replayed and decided, so allow it a little longer.
                boolean decided = replayedAt.get() > 0
                        && now - replayedAt.get() >= TimeUnit.MILLISECONDS.toNanos(DRAIN_MS);
                if (decided || now - endNanos >= TimeUnit.MILLISECONDS.toNanos(OVERTIME_MS)) {
                    break;
                }
                if (!overtimeSaid) {
                    say("(the workload started late: running up to " + OVERTIME_MS / 1000
                            + " s past --duration so its last transactions are decided)");
                    overtimeSaid = true;
                }
            }
            if (durationMs > 0 && stop.getCount() > 0 && finiteScenario.get() != null) {
                printValidation(finiteScenario.get().truth(), kafka.bootstrapServers());
            }
            return 0;
        } finally {
            say("Stopping: workload, job, Kafka...");
            replayer.stop();
            if (driver != null) {
                driver.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (job != null) {
                Sandbox.cancel(job, webPort);
            }
            if (kafka != null) {
                kafka.close();
            }
            Sandbox.deleteRecursively(workDir);
            say("Stopped; nothing left running.");
            stopped.countDown();
        }
    }

    private static void printValidation(Truth truth, String bootstrap) {
        try (OutcomeReader reader = new OutcomeReader(bootstrap, Map.of(), "txn-outcomes", "txn-alerts")) {
            OutcomeReader.Result result = reader.read(truth, Duration.ofSeconds(20), line -> {});
            Validation validation = Validation.compare(truth, result.outcomes(), result.alerts());
            System.out.println();
            System.out.println("What the job concluded, against the scenario's truth:");
            System.out.println(validation.table());
        } catch (Exception e) {
            System.out.println("validation could not read the outcomes: " + e.getMessage());
        }
    }

    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status == JobStatus.RUNNING) {
                return;
            }
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the job ended while starting: " + status);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the job did not start within 90 s");
    }

    /**
     * Waits (up to a minute) for the job's first completed checkpoint, read from the REST API as an
     * operator would: the workload then starts against a job whose sources and exactly-once sinks
     * are all up.
     */
    private static void awaitFirstCheckpoint(JobClient job, int webPort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + webPort + "/jobs/" + job.getJobID() + "/checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                String body = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = COMPLETED_CHECKPOINTS.matcher(body);
                if (m.find() && Integer.parseInt(m.group(1)) >= 1) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint answers once the job is fully up
            }
            Thread.sleep(300);
        }
        say("(no checkpoint completed within 60 s; starting the workload anyway)");
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    public static void main(String[] args) {
        System.exit(Sandbox.commandLine(new DemoCommand()).execute(args));
    }
}
