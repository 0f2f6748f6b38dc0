package io.txinsight.replayer;

import io.txinsight.events.KafkaAccessCheck;
import io.txinsight.events.RecordKey;
import io.txinsight.events.ScenarioFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code txinsight replay}: publish a scenario's events.jsonl to Kafka with its original timing. */
@Command(
        name = "txinsight replay",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Publishes every record of a scenario (events.jsonl) to Kafka at the time the scenario says,"
                    + " scaled by --speed, inside the same Kafka transactions as the original: one"
                    + " transactional producer per scenario producer, each transaction committed or aborted"
                    + " where the original was, hanging transactions held open for their recorded time and"
                    + " then aborted. Records without a transaction go through one idempotent producer.",
            "",
            "The whole file is validated first; a bad line is reported as file:line: field: problem and"
                    + " nothing is published. Then the file is streamed again, in constant memory.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  # generate a scenario once (its seed fixes it), replay it as often as needed:",
            "  ./txinsight replay -f scenarios/01_high_throughput/events.jsonl \\",
            "      -b localhost:9092",
            "  # ten times faster, into staging topics:",
            "  ./txinsight replay -f events.jsonl -b kafka:9092 --speed 10 \\",
            "      --topic-prefix staging.",
            "  # as fast as Kafka takes it, over SASL_SSL:",
            "  ./txinsight replay -f events.jsonl -b kafka:9093 --speed max \\",
            "      --producer-config client.properties -X compression.type=lz4",
            "  # check a file without publishing:",
            "  ./txinsight replay -f events.jsonl --dry-run",
            "",
            "Exit status: 0 done, 1 invalid scenario or Kafka failure, 2 bad options,",
            "130 stopped (Ctrl-C; open transactions are aborted first)."
        })
public final class ReplayCli implements Callable<Integer> {

    static final int EXIT_INVALID = 1;
    static final int EXIT_STOPPED = 130;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE",
            description = "The scenario to replay: an events.jsonl written by `txinsight simulate` (one JSON record per line).")
    Path file;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka to publish to. Required unless --dry-run.")
    String bootstrapServers;

    @Option(names = "--speed", paramLabel = "FACTOR|max", defaultValue = "1",
            description = "Replay speed relative to the original: 1 (default) is real time, 10 is ten times faster,"
                    + " 0.5 half as fast, `max` publishes as fast as Kafka takes the records (transactions still"
                    + " end in their original order).")
    String speed;

    @Option(names = "--topic-map", paramLabel = "FROM=TO",
            description = "Publish the scenario's topic FROM to topic TO instead. Repeatable.")
    List<String> topicMap = new ArrayList<>();

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Prepend PREFIX to every topic not named in --topic-map (e.g. `staging.`).")
    String topicPrefix;

    @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
            description = "A Kafka producer property, passed through (security.protocol, sasl.jaas.config, ssl.*,"
                    + " linger.ms, compression.type ...). Repeatable; wins over --producer-config."
                    + " transactional.id and the serializers are set by the replayer.")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--producer-config", paramLabel = "FILE",
            description = "A properties file of Kafka producer properties (like Kafka's own tools' --producer.config).")
    Path producerConfig;

    @Option(names = "--loop", paramLabel = "N", defaultValue = "1",
            description = "Replay the scenario N times, one after the other (default 1). Each pass starts its own"
                    + " schedule; with --rebase-time each pass gets fresh timestamps.")
    int loops;

    @Option(names = "--dry-run",
            description = "Only validate the file and print what a replay would do. Connects to nothing.")
    boolean dryRun;

    @Option(names = "--from", paramLabel = "POSITION", defaultValue = "0",
            description = "First record to publish, by position in the file (0 = the first record; blank lines do"
                    + " not count). Timing starts at that record. Default 0.")
    long from;

    @Option(names = "--to", paramLabel = "POSITION",
            description = "Stop before the record at this position (exclusive). Default: the end of the file."
                    + " Transactions cut by --from/--to still end at their recorded time.")
    Long to;

    @Option(names = "--transactional-id-prefix", paramLabel = "PREFIX",
            description = "transactional.id of each producer = PREFIX-<scenario producer>. Default: "
                    + ReplayOptions.DEFAULT_TRANSACTIONAL_ID_PREFIX + "-<random>, unique per run so that two"
                    + " replays never fence each other. Give a fixed prefix to fence a previous, crashed run.")
    String transactionalIdPrefix;

    @Option(names = "--parallel-commits", paramLabel = "N", defaultValue = "1",
            description = "Kafka producers per scenario producer, used in turn, one transaction each (default 1:"
                    + " exactly one producer per scenario producer). A producer commits at most once per commit"
                    + " round trip, so at high --speed short transactions end late; N > 1 lets a commit overlap the"
                    + " next transaction. Extra producers get transactional.id PREFIX-<producer>-lane2, -lane3 ...")
    int parallelCommits;

    @Option(names = "--rebase-time",
            description = "Shift every event's ts so the scenario looks live: ts + (replay start - scenario start),"
                    + " where scenario start = first event's ts - its at_ms. Raw records are sent as they are.")
    boolean rebaseTime;

    @Option(names = "--key", paramLabel = "txn_id|account",
            description = "Key every business event's record by its txn_id, or by its transaction's account (read from"
                    + " its transaction_open), as producers that partition by customer do. Default: the keys the file"
                    + " records (the txn_id for simulator files). Malformed records keep theirs.")
    String key;

    @Option(names = "--no-progress",
            description = "No progress bar. (It is off anyway when stderr is not a terminal.)")
    boolean noProgress;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            // Kafka clients log through slf4j; show only warnings, on stderr, so stdout stays the summary.
            System.setProperty("log4j2.configurationFile", "replay-log4j2.xml");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ReplayCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("replay: " + e.getMessage());
                cmd.getErr().println("Try './txinsight replay --help'.");
                return CommandLine.ExitCode.USAGE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--file " + file + " does not exist or is not a file");
        }
        ReplayOptions opts = options();
        Replayer replayer = new Replayer();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            // Ctrl-C: stop publishing and abort open transactions before the JVM exits.
            replayer.stop();
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "replay-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            if (!dryRun) {
                err.println("replay: validating " + file + " ...");
                err.flush();
            }
            ReplaySummary summary = replayer.replay(opts);
            out.print(summary.render());
            out.flush();
            return summary.stopped() ? EXIT_STOPPED : 0;
        } catch (ScenarioFormatException e) {
            err.println("replay: " + e.getMessage());
            err.println("Nothing was published. Fix the line (or regenerate the scenario) and run again;"
                    + " --dry-run checks a file without publishing.");
            return EXIT_INVALID;
        } catch (ReplayFailedException e) {
            // The producers start before the first record is published, so a refused login or
            // certificate fails them at once: one message naming the option to fix.
            err.println("replay: FAILED: " + KafkaAccessCheck.explain(e, opts.bootstrapServers(),
                    key -> "-X " + key + (producerConfig != null ? " (or " + key + " in --producer-config)" : ""))
                    .orElse(e.getMessage()));
            err.println("Open transactions were aborted; records already committed stay in Kafka.");
            return EXIT_INVALID;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it waits for 'finished', released above.
            }
        }
    }

    ReplayOptions options() throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        if (producerConfig != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(producerConfig)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --producer-config " + producerConfig + ": " + e.getMessage());
            }
            p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
        }
        props.putAll(kafkaProperties);
        ReplayOptions.Builder b = ReplayOptions.builder(file)
                .bootstrapServers(bootstrapServers)
                .speed(Speed.parse(speed))
                .routing(new TopicRouting(TopicRouting.parseMap(topicMap), topicPrefix))
                .kafkaProperties(props)
                .loops(loops)
                .dryRun(dryRun)
                .from(from)
                .transactionalIdPrefix(transactionalIdPrefix)
                .rebaseTime(rebaseTime)
                .key(key == null ? null : RecordKey.parse(key))
                .parallelCommits(parallelCommits)
                .progress(!noProgress && ReplayProgress.stderrIsTerminal());
        if (to != null) {
            b.to(to);
        }
        return b.build();
    }
}
