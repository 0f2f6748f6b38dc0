package io.txinsight.sandbox;

import io.txinsight.broker.EmbeddedKafkaBroker;
import io.txinsight.events.Truth;
import io.txinsight.job.JobConfig;
import io.txinsight.job.JobOptions;
import io.txinsight.simulator.Presets;
import io.txinsight.simulator.Scenario;
import io.txinsight.simulator.SimulationParams;
import io.txinsight.validator.HeldOpenKafkaTransactions;
import io.txinsight.validator.ObservedTransactions;
import io.txinsight.validator.OutcomeReader;
import io.txinsight.validator.Validation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
            "  ./txinsight demo --duration 60s --ledger",
            "  ./txinsight demo --preset stuck --web-port 18081 --metrics-port 19249",
            "", "Presets: " + "high_throughput, stuck_transactions, aborted_kafka_transactions, outliers_and_disorder,",
            "account_velocity, hanging_kafka_transaction, mixed (the default; aliases: throughput, stuck, aborted,",
            "outliers, velocity, hanging, demo)."})
public final class DemoCommand implements Callable<Integer> {

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

    @Option(names = "--ledger",
            description = "Also write the ledger (docs/ledger.md) into a throwaway PostgreSQL on 127.0.0.1, and print the "
                    + "./txinsight ledger and psql commands to look at it. Needs PostgreSQL's server binaries "
                    + "(Debian package postgresql).")
    boolean ledger;

    /**
     * Time the job needs after the workload ends: the scenario already carries enough traffic after
     * every stuck, aborted or hanging transaction to decide it, so what is left is the abort grace
     * and a checkpoint (outcomes are written exactly-once, visible at checkpoints).
     */
    private static final long DRAIN_MS = 12_000;
    /** The shortest --duration: the start, a workload at half the preset's timing, and its drain. */
    private static final long MIN_DURATION_MS = 30_000;
    /** Time to start the broker and the job before the workload begins. */
    private static final long STARTUP_MS = 10_000;
    /** A scenario's records run a few seconds past its arrivals (closes, the end of a hang). */
    private static final long TAIL_MS = 4_000;
    /** How far past --duration a late-starting finite run may go to finish its workload. */
    private static final long OVERTIME_MS = 30_000;
    /** Long enough for every stuck transaction of a demo round to be stuck a while. */
    private static final long RETENTION_MS = 300_000;
    /** Outcomes are visible at checkpoints: often, so the live summary and validation keep up. */
    private static final long CHECKPOINT_INTERVAL_MS = 5_000;
    /** The collector polls the broker every second, so a held-open Kafka transaction is named within a second. */
    private static final long KAFKA_TRANSACTIONS_INTERVAL_MS = 1_000;

    @Override
    public Integer call() throws Exception {
        WorkloadFit fit = WorkloadFit.fitting(Presets.named(preset),
                durationMs > 0 ? durationMs - STARTUP_MS - DRAIN_MS - TAIL_MS : 0);
        SimulationParams base = fit.params();
        if (durationMs > 0 && durationMs < MIN_DURATION_MS) {
            throw new IllegalArgumentException("--duration must be at least " + MIN_DURATION_MS / 1000
                    + "s: the job needs ~10-15 s to start, the"
                    + " workload at least " + fit.shortestSpanMs() / 1000 + " s to show every kind of trouble, and "
                    + DRAIN_MS / 1000 + " s after it to decide the last transactions");
        }
        long startNanos = System.nanoTime();
        JobConfig config = jobConfig(base);
        try (LocalStack stack = LocalStack.open("demo", webPort, metricsPort).announcingStop(System.out)) {
            Ports.requireFree(kafkaPort, "Kafka", "--kafka-port");
            EmbeddedKafkaBroker kafka = stack.startKafka(kafkaPort, config);
            say("Kafka is up at " + kafka.bootstrapServers() + " (topics "
                    + String.join(", ", LocalStack.topics(config).stream().map(TopicSpec::name).toList()) + ")");
            config = config.withBootstrapServers(kafka.bootstrapServers());
            if (ledger) {
                config = config.withLedger(DemoLedger.start(stack));
            }

            stack.startJob(config);
            stack.awaitFirstCheckpoint();
            say("The job is running. Flink web UI: http://localhost:" + webPort
                    + "   Prometheus endpoint: http://localhost:" + metricsPort + "/metrics");

            long spanMs = durationMs > 0
                    ? Math.max(fit.shortestSpanMs(), durationMs - elapsedMs(startNanos) - DRAIN_MS - TAIL_MS)
                    : base.spanMs();
            if (fit.compressed()) {
                say(String.format("(a short --duration: the workload runs at half the preset's timing, stuck timeout %.1fs"
                        + " and abort grace %.1fs, so every kind of trouble still fits)",
                        base.stuckTimeoutMs() / 1000.0, base.abortGraceMs() / 1000.0));
            }
            DemoWorkload workload = new DemoWorkload(fit.withTopic(config.input().topics().get(0)),
                    spanMs, durationMs > 0, kafka.bootstrapServers(), stack.workDir());
            stack.add("workload", workload);
            workload.start();

            RunEnd end = new RunEnd(startNanos, workload);
            LocalStack.Ending ending = stack.printSummaryUntil(summaryEveryMs, end::reached);
            if (ending == LocalStack.Ending.JOB_ENDED) {
                throw new IllegalStateException("the job ended unexpectedly: " + stack.jobStatus()
                        + "; see the Flink web UI's exceptions tab or the log above");
            }
            if (ending == LocalStack.Ending.DONE && workload.replayed() != null) {
                printValidation(workload.replayed(), config);
                if (config.ledger() != null) {
                    DemoLedger.printSummary(config.ledger());
                }
            }
            return 0;
        }
    }

    /**
     * The job as the demo runs it: the preset's timing and velocity limit, so its verdicts match the
     * scenario's truth; and a long-open age of half the preset's hang, so the Kafka transaction it
     * holds open is named on the alerts topic while it lasts (the validation checks that).
     */
    private JobConfig jobConfig(SimulationParams base) {
        return JobConfig.DEFAULTS
                .withKafkaTransactions(JobConfig.DEFAULTS.kafkaTransactions()
                        .withIntervalMs(KAFKA_TRANSACTIONS_INTERVAL_MS)
                        .withLongOpenAfterMs(longOpenAfterMs(base)))
                .withTracker(JobConfig.DEFAULTS.tracker()
                        .withStuckTimeoutMs(base.stuckTimeoutMs())
                        .withAbortGraceMs(base.abortGraceMs())
                        .withOutlierFactor(base.outlierFactor())
                        .withRetentionMs(RETENTION_MS))
                .withVelocity(JobConfig.DEFAULTS.velocity().withDefaults(JobConfig.DEFAULTS.velocity().defaults()
                        .withMaxCount(base.burstSize() - 1)
                        .withWindowMs(base.burstWindowMs())))
                .withOutOfOrdernessMs(base.outOfOrdernessMs())
                .withCheckpointIntervalMs(CHECKPOINT_INTERVAL_MS)
                .withParallelism(parallelism)
                .withJobName("txinsight-demo");
    }

    /**
     * When the summary loop ends: never without --duration; with it, at --duration, or a little
     * later when a slow start pushed the workload's end past it, because the validation table is
     * only meaningful once the workload has been replayed and decided.
     */
    private final class RunEnd {
        private final long endNanos;
        private final DemoWorkload workload;
        private boolean overtimeSaid;

        RunEnd(long startNanos, DemoWorkload workload) {
            this.endNanos = durationMs > 0 ? startNanos + TimeUnit.MILLISECONDS.toNanos(durationMs) : Long.MAX_VALUE;
            this.workload = workload;
        }

        boolean reached() {
            if (workload.failure() != null) {
                throw new IllegalStateException(
                        "the workload failed: " + workload.failure().getMessage(), workload.failure());
            }
            long now = System.nanoTime();
            if (now < endNanos) {
                return false;
            }
            if (workload.replayedFor(DRAIN_MS) || now - endNanos >= TimeUnit.MILLISECONDS.toNanos(OVERTIME_MS)) {
                return true;
            }
            if (!overtimeSaid) {
                say("(the workload started late: running up to " + OVERTIME_MS / 1000
                        + " s past --duration so its last transactions are decided)");
                overtimeSaid = true;
            }
            return false;
        }
    }

    /**
     * Half the preset's hang (at least twice a poll), far above any other Kafka transaction of the
     * workload (each lasts {@code kafkaTxnMs}, 100 ms): the hang is named halfway through, and
     * nothing else.
     */
    static long longOpenAfterMs(SimulationParams base) {
        return Math.max(2 * KAFKA_TRANSACTIONS_INTERVAL_MS, base.hangMs() / 2);
    }

    private static void printValidation(Scenario scenario, JobConfig config) {
        Truth truth = scenario.truth();
        try (OutcomeReader reader = new OutcomeReader(config.bootstrapServers(), Map.of(),
                config.outputs().outcomesTopic(), config.outputs().alertsTopic())) {
            List<HeldOpenKafkaTransactions.Held> held = HeldOpenKafkaTransactions.read(scenario.eventsFile());
            OutcomeReader.Result result = reader.read(truth, held, Duration.ofSeconds(20), line -> {});
            Validation validation = Validation.compare(truth, ObservedTransactions.of(result.outcomes(),
                    result.alerts(), result.velocity(), result.kafkaTransactions()), held,
                    Validation.DEFAULT_LISTED_MISMATCHES);
            System.out.println();
            System.out.println("What the job concluded, against the scenario's truth:");
            System.out.println(validation.table());
        } catch (Exception e) {
            System.out.println("validation could not read the outcomes: " + e.getMessage());
        }
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
