package io.txinsight.validator;

import io.txinsight.events.KafkaAccessCheck;
import io.txinsight.events.ScenarioFormatException;
import io.txinsight.events.Truth;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code txinsight validate}: did the job see what really happened in a replayed scenario? */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        version = "txinsight validate 0.1.0",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Compares what the txinsight job concluded about every business transaction of a replayed "
                    + "scenario with the scenario's ground truth (report/truth.json, written by the simulate "
                    + "command).",
            "",
            "It reads the job's outcomes and stuck alerts from the beginning of their topics as a "
                    + "read_committed consumer, until every transaction of the truth is accounted for or the "
                    + "timeout passes. Then it prints expected versus observed verdicts (overall and per type), "
                    + "precision and recall for stuck, aborted and outlier transactions, the error of the "
                    + "observed durations, and the first mismatches by txn_id. A transaction the job said "
                    + "nothing about is 'missing' and counts as a mismatch. Every Kafka transaction the scenario "
                    + "holds open (events.jsonl, fate hang) must be named by the job: by a long-open or hanging "
                    + "record on the alerts topic (run the job with --kafka-transactions-long-open below the hold), "
                    + "or by the blocked_by of what it held back. The result also goes to "
                    + "report/validation.json, where the report command picks it up.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every transaction has its expected verdict, every held-open Kafka transaction is named",
            "1:at least one verdict differs or is missing, or a held-open Kafka transaction was not named (use it to gate CI)",
            "2:could not validate: bad options, no truth, Kafka unreachable"
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ./txinsight replay --file scenarios/02_stuck_transactions/events.jsonl \\",
            "      --bootstrap-servers localhost:9092",
            "  ./txinsight validate --scenario scenarios/02_stuck_transactions \\",
            "      --bootstrap-servers localhost:9092",
            "",
            "  # a secured cluster, a slow job:",
            "  ./txinsight validate --scenario scenarios/01_high_throughput \\",
            "      --bootstrap-servers broker:9093 --kafka-property security.protocol=SSL \\",
            "      --timeout 10m",
            "",
            "Replay each run into fresh outcomes/alerts topics (or a fresh job):",
            "outcomes of an earlier run with the same txn_ids would be counted too."
        })
public final class ValidateCli implements Callable<Integer> {

    static final int PASSED = 0;
    static final int MISMATCH = 1;
    static final int CANNOT_VALIDATE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", required = true, paramLabel = "DIR",
            description = "The scenario directory: holds events.jsonl and report/truth.json.")
    Path scenario;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "localhost:9092",
            description = "Kafka to read the job's outputs from (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--outcomes-topic", paramLabel = "TOPIC", defaultValue = "txn-outcomes",
            description = "Where the job writes outcomes (default: ${DEFAULT-VALUE}).")
    String outcomesTopic;

    @Option(names = "--alerts-topic", paramLabel = "TOPIC", defaultValue = "txn-alerts",
            description = "Where the job writes stuck alerts (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "2m", converter = DurationConverter.class,
            description = "How long to wait for every transaction to be accounted for: 90s, 2m, 1h "
                    + "(default: ${DEFAULT-VALUE}). The job commits outcomes at checkpoints: allow at least "
                    + "the checkpoint interval past the end of the replay.")
    Duration timeout;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka consumer property (security, timeouts...); repeat as needed.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the result (default: DIR/report/validation.json).")
    Path out;

    @Option(names = "--show", paramLabel = "N", defaultValue = "20",
            description = "How many mismatches to list (default: ${DEFAULT-VALUE}).")
    int show;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Path truthFile = scenario.resolve("report").resolve("truth.json");
        if (!Files.isRegularFile(truthFile)) {
            stderr.println("validate: no truth at " + truthFile + ". --scenario must name a scenario directory "
                    + "(events.jsonl + report/truth.json); generate one with ./txinsight simulate.");
            return CANNOT_VALIDATE;
        }
        Truth truth;
        try {
            truth = Truth.read(truthFile);
        } catch (IOException e) {
            stderr.println("validate: " + truthFile + " is not a readable truth file: " + e.getMessage());
            return CANNOT_VALIDATE;
        }
        List<HeldOpenKafkaTransactions.Held> held;
        Path eventsFile = scenario.resolve("events.jsonl");
        try {
            held = Files.isRegularFile(eventsFile) ? HeldOpenKafkaTransactions.read(eventsFile) : null;
        } catch (IOException | ScenarioFormatException e) {
            stderr.println("validate: " + eventsFile + " is not a readable events file: " + e.getMessage());
            return CANNOT_VALIDATE;
        }
        int expected = truth.transactions() == null ? 0 : truth.transactions().size();
        stdout.printf("Validating %d transactions of %s against %s and %s at %s (read_committed, up to %s)%n",
                expected, scenario, outcomesTopic, alertsTopic, bootstrapServers, human(timeout));
        if (held == null) {
            stdout.println("(no " + eventsFile + ": the Kafka transactions the scenario held open are not checked)");
        } else if (!held.isEmpty()) {
            stdout.printf("The scenario held %d Kafka transaction(s) open; the job must name each (a long-open or "
                    + "hanging record on %s, or blocked_by)%n", held.size(), alertsTopic);
        }
        stdout.flush();

        try {
            // A refused login or certificate is one message naming the option; an unreachable
            // cluster is reported by the reader below, after --timeout.
            KafkaAccessCheck.check(bootstrapServers, kafkaProperties, timeout.compareTo(KafkaAccessCheck.DEFAULT_TIMEOUT) < 0
                    ? timeout : KafkaAccessCheck.DEFAULT_TIMEOUT, key -> "-X " + key);
        } catch (KafkaAccessCheck.AccessDeniedException e) {
            stderr.println("validate: " + e.getMessage());
            return CANNOT_VALIDATE;
        }

        OutcomeReader.Result read;
        try (OutcomeReader reader = new OutcomeReader(bootstrapServers, kafkaProperties, outcomesTopic, alertsTopic)) {
            read = reader.read(truth, held == null ? List.of() : held, timeout, line -> {
                stderr.println(line);
                stderr.flush();
            });
        } catch (OutcomeReader.KafkaUnreachableException e) {
            stderr.println("validate: " + e.getMessage());
            return CANNOT_VALIDATE;
        }

        stdout.printf("Read %d outcomes and %d alerts in %.1f s%s%n",
                read.outcomes().size(), read.alerts().size(), read.elapsed().toMillis() / 1000.0,
                read.complete() ? "; every transaction accounted for." : "; timed out before every transaction "
                        + "was accounted for (the rest count as missing or as what was seen so far).");
        for (String topic : read.missingTopics()) {
            stdout.println("Warning: topic " + topic + " does not exist at " + bootstrapServers
                    + ": is the job running, and writing to it (--outcomes-topic/--alerts-topic)?");
        }
        if (read.unreadable() > 0) {
            stdout.println("Warning: " + read.unreadable() + " record(s) were not outcome/alert JSON and were skipped:");
            read.unreadableSamples().forEach(s -> stdout.println("  " + s));
        }

        ObservedTransactions observed =
                ObservedTransactions.of(read.outcomes(), read.alerts(), read.velocity(), read.kafkaTransactions());
        Validation validation = Validation.compare(truth, observed, held, Math.max(0, show));
        stdout.println();
        stdout.print(validation.table());

        Path target = out != null ? out : scenario.resolve("report").resolve(ValidationFile.FILE_NAME);
        new ValidationFile(
                        scenario.toString(),
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                        new ValidationFile.Source(
                                bootstrapServers, outcomesTopic, alertsTopic,
                                read.outcomes().size(), read.alerts().size(),
                                read.unreadable(), read.unreadableSamples(), read.complete(),
                                read.missingTopics(), read.elapsed().toMillis()),
                        validation)
                .write(target);
        stdout.println();
        stdout.println("Wrote " + target);
        stdout.flush();
        return validation.passed() ? PASSED : MISMATCH;
    }

    private static String human(Duration d) {
        return d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m"
                : d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The command line with the exit codes of this command, also for tests and the launcher. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ValidateCli());
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("validate: " + e.getMessage());
            return CANNOT_VALIDATE;
        });
        return cmd;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
