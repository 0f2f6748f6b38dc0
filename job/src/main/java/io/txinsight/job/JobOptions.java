package io.txinsight.job;

import io.txinsight.events.Durations;
import io.txinsight.job.collector.KafkaTransactionsSettings;
import io.txinsight.job.sources.StartingOffsets;
import io.txinsight.job.tracker.TrackerSettings;
import io.txinsight.ledger.LedgerConnection;
import java.io.IOException;
import io.txinsight.job.velocity.rule.VelocityLimits;
import io.txinsight.job.velocity.rule.VelocitySettings;
import java.math.BigDecimal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job's command line: it declares the options, validates them and produces a {@link JobConfig}.
 * Every option has a default, taken from {@link JobConfig#DEFAULTS}, so {@code flink run
 * txinsight-job.jar} alone tracks {@code txn-events} on {@code localhost:9092}. {@link #parse}
 * turns any mistake into an {@link InvalidOptionsException} whose message names the option and
 * says what to write instead.
 *
 * <p>Options with a free-form suffix ({@code --kafka.<key>=<value>}, …) are rewritten to picocli
 * map options before parsing ({@link SuffixedOptions}).
 */
@Command(
        name = "txinsight-job",
        sortOptions = false,
        showDefaultValues = true,
        usageHelpWidth = 110,
        headerHeading = "%n",
        header = "Tracks business transactions flowing through Kafka: open, closed, aborted, stuck; with latency KPIs.",
        synopsisHeading = "%nUsage: ",
        customSynopsis = {"flink run txinsight-job.jar [OPTIONS]   (or java -cp ... io.txinsight.job.TxInsightJob [OPTIONS])"},
        descriptionHeading = "%n",
        description = {
            "Reads the same topics twice: a monitor view (read_uncommitted, sees every event at once) and a committed",
            "view (read_committed, sees only committed Kafka transactions). A transaction closes when its",
            "transaction_close is committed, is aborted when the committed view passes it without the close, and is",
            "stuck after --stuck-timeout of silence. Outcomes, stuck alerts and malformed records go to three topics;",
            "metrics go to Flink's metric reporters (group 'txinsights', see docs/metrics.md).",
            "Durations: 500ms, 10s, 5m, 1h, 2d."
        },
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        footer = {
            "Examples:",
            "  flink run txinsight-job.jar --bootstrap-servers kafka:9092 --topics payments,transfers",
            "  flink run txinsight-job.jar --topic-pattern 'biz-.*' --stuck-timeout 2m --stuck-timeout.settlement=15m \\",
            "      --slo.payment=2s --kafka.security.protocol=SASL_SSL --kafka.sasl.mechanism=PLAIN \\",
            "      --kafka.sasl.jaas.config=\"$JAAS_CONFIG\""
        })
public final class JobOptions {

    static final String KAFKA = "--kafka.";
    /** The ledger's user when none is given: the ledger command's default too. */
    static final String LEDGER_USER = "ledger";
    static final String LEDGER_PASSWORD = "--ledger-password";
    static final String STUCK_TIMEOUT_OF = "--stuck-timeout.";
    static final String SLO_OF = "--slo.";
    static final String VELOCITY_COUNT_OF = "--velocity-count.";
    static final String VELOCITY_AMOUNT_OF = "--velocity-amount.";
    static final String VELOCITY_WINDOW_OF = "--velocity-window.";
    // What picocli sees after the rewrite; also how --help shows them.
    static final String KAFKA_OPTION = "--kafka.<key>";
    static final String STUCK_TIMEOUT_OF_OPTION = "--stuck-timeout.<type>";
    static final String SLO_OF_OPTION = "--slo.<type>";
    static final String VELOCITY_COUNT_OF_OPTION = "--velocity-count.<type>";
    static final String VELOCITY_AMOUNT_OF_OPTION = "--velocity-amount.<type>";
    static final String VELOCITY_WINDOW_OF_OPTION = "--velocity-window.<type>";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print this table and exit.")
    private boolean help;

    // --- input --------------------------------------------------------------------------------

    @Option(names = "--bootstrap-servers", paramLabel = "<host:port,...>",
            description = "Kafka cluster to read the business events from and write the outputs to.")
    private String bootstrapServers;

    @Option(names = "--topics", paramLabel = "<topic,...>", split = ",",
            description = "Topics carrying the business events (comma-separated). Ignored when --topic-pattern is given.")
    private List<String> topics;

    @Option(names = "--topic-pattern", paramLabel = "<regex>",
            description = "Read every topic whose whole name matches this Java regular expression instead of --topics. "
                    + "It must not match the output topics.")
    private String topicPattern;

    @Option(names = "--monitor-group-id", paramLabel = "<id>",
            description = "Consumer group of the monitor (read_uncommitted) view; offsets are committed on checkpoints.")
    private String monitorGroupId;

    @Option(names = "--committed-group-id", paramLabel = "<id>",
            description = "Consumer group of the committed (read_committed) view; must differ from the monitor's.")
    private String committedGroupId;

    @Option(names = "--starting-offsets", paramLabel = "<earliest|latest|committed>",
            converter = StartingOffsetsParser.class,
            description = "Where both views start without a checkpoint or savepoint: the beginning, only new records, "
                    + "or the group's committed offsets (the beginning for a partition the group never read).")
    private StartingOffsets startingOffsets;

    @Option(names = KAFKA_OPTION, paramLabel = "<value>", hideParamSyntax = true,
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "A Kafka client property for both views and the output writers, e.g. "
                    + "--kafka.security.protocol=SASL_SSL. Repeat as needed. Consumer-only keys go to the views, "
                    + "producer-only keys to the writers. bootstrap.servers, group.id, isolation.level and "
                    + "transactional.id have options of their own.")
    private Map<String, String> kafka = new LinkedHashMap<>();

    // --- tracking -----------------------------------------------------------------------------

    @Option(names = "--stuck-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "A transaction with no event for this long (event time) is stuck and raises an alert.")
    private long stuckTimeoutMs;

    @Option(names = STUCK_TIMEOUT_OF_OPTION, paramLabel = "<duration>", hideParamSyntax = true,
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "Stuck timeout of one transaction type, e.g. --stuck-timeout.settlement=15m. Repeat as needed.")
    private Map<String, String> stuckTimeoutByType = new LinkedHashMap<>();

    @Option(names = "--abort-grace", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How long past a close the committed view may take to show it before the transaction can be "
                    + "declared aborted (and only with evidence that the committed view has passed it).")
    private long abortGraceMs;

    @Option(names = "--abort-recheck", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How often a tentatively closed transaction looks again for that evidence.")
    private long abortRecheckMs;

    @Option(names = "--out-of-orderness", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How far event times may run out of order; the monitor clock trails the newest event by this much.")
    private long outOfOrdernessMs;

    @Option(names = "--max-clock-skew", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How far ahead of the job's clock an event may be dated. A later one is dead-lettered "
                    + "(reason FUTURE_TIMESTAMP) and moves no clock or gauge; events from the past are always valid.")
    private long maxClockSkewMs;

    @Option(names = "--idle-advance-after", paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "After this much silence on a partition, the monitor clock advances with the wall clock "
                    + "(never ahead of it), so stuck alerts fire even when every producer has died. Raise it for large "
                    + "catch-ups under backpressure.")
    private long idleAdvanceAfterMs;

    @Option(names = "--retention", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "A transaction with no event for this long leaves the job's state with an expired outcome. "
                    + "Must exceed every stuck timeout.")
    private long retentionMs;

    @Option(names = "--duplicate-horizon", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "How long after a Closed outcome a copy of the transaction's events still counts as a duplicate "
                    + "(an event dated after the close is a new life of the txn_id). Memory: about 150 bytes per id "
                    + "closed within it.")
    private long duplicateHorizonMs;

    @Option(names = "--outlier-factor", paramLabel = "<x>",
            description = "A closed transaction slower than this many times the running median of its type is an outlier.")
    private double outlierFactor;

    @Option(names = "--outlier-warmup", paramLabel = "<n>",
            description = "Closed transactions of a type needed before its median is trusted.")
    private int outlierWarmup;

    @Option(names = SLO_OF_OPTION, paramLabel = "<duration>", hideParamSyntax = true,
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "Duration SLO of one transaction type, e.g. --slo.payment=2s: slower is an outlier whatever the "
                    + "median says. Repeat as needed.")
    private Map<String, String> sloByType = new LinkedHashMap<>();

    // --- velocity -----------------------------------------------------------------------------

    @Option(names = "--velocity-count", paramLabel = "<n>",
            description = "An account that opens more than this many transactions within --velocity-window (event time) "
                    + "is in a velocity burst: one alert per burst on the alerts topic.")
    private int velocityCount;

    @Option(names = "--velocity-amount", paramLabel = "<amount>",
            description = "…or whose opens add up to more than this amount within the window (the amounts as sent, "
                    + "whatever their currency).")
    private BigDecimal velocityAmount;

    @Option(names = "--velocity-window", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "The velocity rule's sliding window.")
    private long velocityWindowMs;

    @Option(names = VELOCITY_COUNT_OF_OPTION, paramLabel = "<n>", hideParamSyntax = true,
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "A velocity rule of one transaction type, e.g. --velocity-count.withdrawal=2: that type's opens "
                    + "are judged apart, by their own count, amount and window (the defaults above where not given). "
                    + "Repeat as needed.")
    private Map<String, String> velocityCountByType = new LinkedHashMap<>();

    @Option(names = VELOCITY_AMOUNT_OF_OPTION, paramLabel = "<amount>", hideParamSyntax = true,
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "The amount limit of one type's own velocity rule, e.g. --velocity-amount.withdrawal=2000.")
    private Map<String, String> velocityAmountByType = new LinkedHashMap<>();

    @Option(names = VELOCITY_WINDOW_OF_OPTION, paramLabel = "<duration>", hideParamSyntax = true,
            showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "The window of one type's own velocity rule, e.g. --velocity-window.withdrawal=1h.")
    private Map<String, String> velocityWindowByType = new LinkedHashMap<>();

    // --- Kafka transactions at the broker ------------------------------------------------------

    @Option(names = "--kafka-transactions-interval", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Ask the brokers this often (Admin API) where the input partitions stand and which Kafka "
                    + "transactions hold them open: LSO lag, the job's lag per view, open, long-open and hanging "
                    + "transactions (docs/operations.md §8). 0 turns the collector off.")
    private long kafkaTransactionsIntervalMs;

    @Option(names = "--kafka-transactions-long-open", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "A Kafka transaction open longer than this on an input partition is flagged long open "
                    + "(a gauge, and one kafka_transaction_long_open record on the alerts topic).")
    private long kafkaTransactionsLongOpenMs;

    @Option(names = "--kafka-transaction-max-timeout", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "The brokers' transaction.max.timeout.ms. A producer silent on a partition for longer, whose "
                    + "coordinator cannot account for its open transaction, is hanging (as kafka-transactions.sh "
                    + "find-hanging decides).")
    private long kafkaTransactionMaxTimeoutMs;

    // --- output -------------------------------------------------------------------------------

    @Option(names = "--outcomes-topic", paramLabel = "<topic>",
            description = "One JSON outcome per finished transaction (closed, aborted, expired), key = txn_id.")
    private String outcomesTopic;

    @Option(names = "--alerts-topic", paramLabel = "<topic>",
            description = "One JSON alert per transaction that goes stuck, key = txn_id.")
    private String alertsTopic;

    @Option(names = "--dead-letter-topic", paramLabel = "<topic>",
            description = "Records that are not valid business events, with the reason and the original bytes.")
    private String deadLetterTopic;

    @Option(names = "--checkpoint-interval", paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "Checkpoint every so often; outputs are then exactly-once and visible to read_committed "
                    + "readers at each checkpoint. 0 leaves checkpointing as the cluster configures it (outputs are "
                    + "at-least-once if it is off).")
    private long checkpointIntervalMs;

    @Option(names = "--parallelism", paramLabel = "<n>",
            description = "Parallelism of the job; 0 keeps the cluster's default (or flink run -p).")
    private int parallelism;

    @Option(names = "--transactional-id-prefix", paramLabel = "<prefix>",
            description = "Prefix of the output writers' Kafka transactional ids; unique per job on a cluster.")
    private String transactionalIdPrefix;

    @Option(names = "--job-name", paramLabel = "<name>",
            description = "Name of the job in the Flink UI and in metrics (the job_name label).")
    private String jobName;

    // --- the ledger -------------------------------------------------------------------------

    @Option(names = "--ledger-url", paramLabel = "<jdbc-url>",
            description = "Also write every outcome and alert to this PostgreSQL ledger, e.g. "
                    + "jdbc:postgresql://db:5432/ledger (docs/ledger.md). The job migrates its schema at start. "
                    + "No ledger when absent.")
    private String ledgerUrl;

    @Option(names = "--ledger-user", paramLabel = "<user>", description = "User of the ledger database.")
    private String ledgerUser;

    @Option(names = "--ledger-password", paramLabel = "<password>",
            description = "Password of --ledger-user, written as one argument (--ledger-password=<password>: Flink's "
                    + "client logs program arguments, hiding only those that contain 'password'). Prefer "
                    + "--ledger-password-file: a command line shows in the process list.")
    private String ledgerPassword;

    @Option(names = "--ledger-password-file", paramLabel = "<file>",
            description = "A file whose first line is the password of --ledger-user.")
    private Path ledgerPasswordFile;

    private JobConfig config;

    private JobOptions() {}

    /** Thrown for any option the job cannot run with; the message names it and says what to do. */
    public static final class InvalidOptionsException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidOptionsException(String message) {
            super(message);
        }
    }

    /** Parses and validates; throws {@link InvalidOptionsException}. */
    public static JobOptions parse(String... args) {
        requirePasswordInOneArgument(args);
        JobOptions o = new JobOptions();
        CommandLine cl = commandLine(o);
        try {
            cl.parseArgs(SuffixedOptions.rewrite(args));
        } catch (CommandLine.ParameterException e) {
            throw new InvalidOptionsException(e.getMessage());
        }
        if (!o.help) {
            o.validate();
            o.config = o.toConfig();
        }
        return o;
    }

    /**
     * Flink's command-line client logs every program argument ("Program Arguments:") and hides
     * only those that contain a sensitive word such as "password": {@code --ledger-password=s3cret}
     * is hidden, but in {@code --ledger-password s3cret} the value is an argument of its own and
     * would be logged. So the job takes the password in one argument only (or from a file).
     */
    private static void requirePasswordInOneArgument(String[] args) {
        for (String arg : args) {
            if (arg.equals(LEDGER_PASSWORD)) {
                throw invalid(LEDGER_PASSWORD, "must be written as one argument, " + LEDGER_PASSWORD + "=<password>: "
                        + "Flink's client logs the job's arguments and hides only those that contain 'password'. "
                        + "Better still, use --ledger-password-file.");
            }
        }
    }

    /** The options table, as {@code --help} prints it. */
    public static String usage() {
        StringWriter out = new StringWriter();
        commandLine(new JobOptions()).usage(new PrintWriter(out));
        return out.toString();
    }

    private static CommandLine commandLine(JobOptions o) {
        return new CommandLine(o)
                .setDefaultValueProvider(new Defaults())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUnmatchedOptionsArePositionalParams(false);
    }

    private void validate() {
        require(!bootstrapServers.isBlank(), "--bootstrap-servers", "is empty; give host:port[,host:port...]");
        if (topicPattern != null) {
            try {
                Pattern.compile(topicPattern);
            } catch (PatternSyntaxException e) {
                throw invalid("--topic-pattern", "'" + topicPattern + "' is not a regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
            }
        } else {
            topics = topics.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
            require(!topics.isEmpty(), "--topics", "names no topic; give e.g. --topics txn-events");
        }
        require(!monitorGroupId.isBlank(), "--monitor-group-id", "is empty");
        require(!committedGroupId.isBlank(), "--committed-group-id", "is empty");
        require(!monitorGroupId.equals(committedGroupId), "--committed-group-id",
                "equals --monitor-group-id ('" + monitorGroupId + "'); the two views need their own consumer groups");
        JobConfig.Input input = input();

        for (String output : List.of(outcomesTopic, alertsTopic, deadLetterTopic)) {
            require(!output.isBlank(), optionOfOutput(output), "is empty");
            require(!input.reads(output), optionOfOutput(output), "'" + output + "' is also read by "
                    + (topicPattern != null ? "--topic-pattern" : "--topics")
                    + "; the job would read its own output as events. Pick another topic or narrow the input.");
        }
        require(new HashSet<>(List.of(outcomesTopic, alertsTopic, deadLetterTopic)).size() == 3,
                "--outcomes-topic", "the outcomes, alerts and dead-letter topics must be three different topics");

        for (String key : kafka.keySet()) {
            String why = KafkaClientProperties.whyReserved(key);
            if (why != null) {
                throw invalid(KAFKA + key, why);
            }
        }

        require(stuckTimeoutMs > 0, "--stuck-timeout", "must be positive");
        Map<String, Long> stuckTimeoutByTypeMs = durations(STUCK_TIMEOUT_OF, stuckTimeoutByType);
        stuckTimeoutByTypeMs.forEach((t, ms) -> require(ms > 0, STUCK_TIMEOUT_OF + t, "must be positive"));
        Map<String, Long> sloByTypeMs = durations(SLO_OF, sloByType);
        sloByTypeMs.forEach((t, ms) -> require(ms > 0, SLO_OF + t, "must be positive"));
        require(abortRecheckMs > 0, "--abort-recheck", "must be positive");
        require(idleAdvanceAfterMs > 0, "--idle-advance-after", "must be positive");
        require(duplicateHorizonMs >= 0, "--duplicate-horizon", "must not be negative");
        long longestStuck = stuckTimeoutByTypeMs.values().stream().mapToLong(Long::longValue).max().orElse(0);
        longestStuck = Math.max(longestStuck, stuckTimeoutMs);
        require(retentionMs > longestStuck, "--retention",
                "(" + Durations.format(retentionMs) + ") must be longer than the longest stuck timeout ("
                        + Durations.format(longestStuck) + "), or transactions expire before they can be stuck");
        require(outlierFactor > 1.0, "--outlier-factor", "is " + outlierFactor + "; it must be above 1 (e.g. 4)");
        require(outlierWarmup >= 1, "--outlier-warmup", "must be at least 1");
        velocity();
        require(parallelism >= 0, "--parallelism", "must be 0 (cluster default) or more");
        require(kafkaTransactionsIntervalMs >= 0, "--kafka-transactions-interval", "must be 0 (off) or positive");
        require(kafkaTransactionsLongOpenMs > 0, "--kafka-transactions-long-open", "must be positive");
        require(kafkaTransactionMaxTimeoutMs > 0, "--kafka-transaction-max-timeout", "must be positive");
        require(!transactionalIdPrefix.isBlank(), "--transactional-id-prefix", "is empty");
        if (ledgerUrl == null) {
            require(ledgerPassword == null && ledgerPasswordFile == null, "--ledger-password",
                    "and --ledger-password-file need --ledger-url");
        } else {
            require(ledgerPassword == null || ledgerPasswordFile == null, "--ledger-password",
                    "and --ledger-password-file are both given; give one (the file is safer)");
        }
    }

    /** The ledger the options name, or null; its password never appears in a message. */
    private LedgerConnection ledger() {
        if (ledgerUrl == null) {
            return null;
        }
        String password = ledgerPassword;
        if (ledgerPasswordFile != null) {
            try {
                password = LedgerConnection.passwordIn(ledgerPasswordFile);
            } catch (IOException e) {
                throw invalid("--ledger-password-file", "cannot be read: " + ledgerPasswordFile + " (" + e + ")");
            }
        }
        try {
            return new LedgerConnection(ledgerUrl, ledgerUser, password == null ? "" : password);
        } catch (IllegalArgumentException e) {
            throw invalid("--ledger-url", e.getMessage());
        }
    }

    private JobConfig.Input input() {
        return new JobConfig.Input(topicPattern == null ? topics : List.of(), topicPattern, monitorGroupId,
                committedGroupId, startingOffsets, false, maxClockSkewMs);
    }

    /**
     * The velocity rules: the defaults, and a rule of its own for every type named by a per-type
     * option, its other limits taken from the defaults.
     */
    private VelocitySettings velocity() {
        require(velocityCount >= 1, "--velocity-count", "must be at least 1");
        require(velocityAmount.signum() > 0, "--velocity-amount", "must be positive");
        require(velocityWindowMs > 0, "--velocity-window", "must be positive");
        VelocityLimits defaults = new VelocityLimits(velocityCount, velocityAmount, velocityWindowMs);
        Map<String, VelocityLimits> byType = new LinkedHashMap<>();
        velocityCountByType.forEach((type, value) -> {
            int n = parsed(VELOCITY_COUNT_OF, type, value, Integer::parseInt, "a whole number, e.g. 3");
            require(n >= 1, VELOCITY_COUNT_OF + type, "must be at least 1");
            byType.put(type, byType.getOrDefault(type, defaults).withMaxCount(n));
        });
        velocityAmountByType.forEach((type, value) -> {
            BigDecimal a = parsed(VELOCITY_AMOUNT_OF, type, value, BigDecimal::new, "a number, e.g. 2000");
            require(a.signum() > 0, VELOCITY_AMOUNT_OF + type, "must be positive");
            byType.put(type, byType.getOrDefault(type, defaults).withMaxAmount(a));
        });
        durations(VELOCITY_WINDOW_OF, velocityWindowByType).forEach((type, ms) -> {
            require(ms > 0, VELOCITY_WINDOW_OF + type, "must be positive");
            byType.put(type, byType.getOrDefault(type, defaults).withWindowMs(ms));
        });
        return new VelocitySettings(defaults, byType);
    }

    private static <T> T parsed(String prefix, String type, String value, java.util.function.Function<String, T> parse,
            String expected) {
        require(!type.isBlank(), prefix + "<type>", "has no transaction type");
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(prefix + type, "is '" + value + "'; expected " + expected);
        }
    }

    /** Options the job has no flag for keep their defaults. */
    private JobConfig toConfig() {
        TrackerSettings tracker = JobConfig.DEFAULTS.tracker()
                .withStuckTimeoutMs(stuckTimeoutMs)
                .withStuckTimeoutByTypeMs(durations(STUCK_TIMEOUT_OF, stuckTimeoutByType))
                .withAbortGraceMs(abortGraceMs)
                .withAbortRecheckMs(abortRecheckMs)
                .withRetentionMs(retentionMs)
                .withDuplicateHorizonMs(duplicateHorizonMs)
                .withOutlierFactor(outlierFactor)
                .withOutlierWarmup(outlierWarmup)
                .withSloByTypeMs(durations(SLO_OF, sloByType));
        return JobConfig.DEFAULTS
                .withBootstrapServers(bootstrapServers)
                .withKafkaProperties(kafka)
                .withInput(input())
                .withOutputs(new JobConfig.Outputs(outcomesTopic, alertsTopic, deadLetterTopic, transactionalIdPrefix))
                .withTracker(tracker)
                .withVelocity(velocity())
                .withOutOfOrdernessMs(outOfOrdernessMs)
                .withIdleAdvanceAfterMs(idleAdvanceAfterMs)
                .withCheckpointIntervalMs(checkpointIntervalMs)
                .withParallelism(parallelism)
                .withJobName(jobName)
                .withLedger(ledger())
                .withKafkaTransactions(new KafkaTransactionsSettings(kafkaTransactionsIntervalMs,
                        kafkaTransactionsLongOpenMs, kafkaTransactionMaxTimeoutMs));
    }

    private String optionOfOutput(String topic) {
        if (topic.equals(outcomesTopic)) {
            return "--outcomes-topic";
        }
        return topic.equals(alertsTopic) ? "--alerts-topic" : "--dead-letter-topic";
    }

    private static Map<String, Long> durations(String prefix, Map<String, String> raw) {
        Map<String, Long> out = new LinkedHashMap<>();
        raw.forEach((type, value) -> {
            require(!type.isBlank(), prefix + "<type>", "has no transaction type");
            try {
                out.put(type, DurationConverter.toMillis(value));
            } catch (IllegalArgumentException e) {
                throw invalid(prefix + type, e.getMessage());
            }
        });
        return Map.copyOf(out);
    }

    private static void require(boolean ok, String option, String problem) {
        if (!ok) {
            throw invalid(option, problem);
        }
    }

    private static InvalidOptionsException invalid(String option, String problem) {
        return new InvalidOptionsException("option '" + option + "' " + problem);
    }

    /** The configuration the options describe. */
    public JobConfig config() {
        if (config == null) {
            throw new IllegalStateException("--help was asked for; there is no configuration to run");
        }
        return config;
    }

    public boolean helpRequested() {
        return help;
    }

    /**
     * Every option's default, read from {@link JobConfig#DEFAULTS} so that it is written once; the
     * help shows them as users write them ({@code 1m}, not {@code 60000}).
     */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            JobConfig d = JobConfig.DEFAULTS;
            TrackerSettings t = d.tracker();
            return switch (option.longestName()) {
                case "--bootstrap-servers" -> d.bootstrapServers();
                case "--topics" -> String.join(",", d.input().topics());
                case "--topic-pattern" -> d.input().topicPattern();
                case "--monitor-group-id" -> d.input().monitorGroupId();
                case "--committed-group-id" -> d.input().committedGroupId();
                case "--starting-offsets" -> d.input().startingOffsets().label();
                case "--stuck-timeout" -> Durations.format(t.stuckTimeoutMs());
                case "--abort-grace" -> Durations.format(t.abortGraceMs());
                case "--abort-recheck" -> Durations.format(t.abortRecheckMs());
                case "--out-of-orderness" -> Durations.format(d.outOfOrdernessMs());
                case "--max-clock-skew" -> Durations.format(d.input().maxClockSkewMs());
                case "--idle-advance-after" -> Durations.format(d.idleAdvanceAfterMs());
                case "--retention" -> Durations.format(t.retentionMs());
                case "--duplicate-horizon" -> Durations.format(t.duplicateHorizonMs());
                case "--outlier-factor" -> String.valueOf(t.outlierFactor());
                case "--outlier-warmup" -> String.valueOf(t.outlierWarmup());
                case "--velocity-count" -> String.valueOf(d.velocity().defaults().maxCount());
                case "--velocity-amount" -> d.velocity().defaults().maxAmount().toPlainString();
                case "--velocity-window" -> Durations.format(d.velocity().defaults().windowMs());
                case "--kafka-transactions-interval" -> Durations.format(d.kafkaTransactions().intervalMs());
                case "--kafka-transactions-long-open" -> Durations.format(d.kafkaTransactions().longOpenAfterMs());
                case "--kafka-transaction-max-timeout" -> Durations.format(d.kafkaTransactions().maxTransactionTimeoutMs());
                case "--outcomes-topic" -> d.outputs().outcomesTopic();
                case "--alerts-topic" -> d.outputs().alertsTopic();
                case "--dead-letter-topic" -> d.outputs().deadLetterTopic();
                case "--checkpoint-interval" -> Durations.format(d.checkpointIntervalMs());
                case "--parallelism" -> String.valueOf(d.parallelism());
                case "--transactional-id-prefix" -> d.outputs().transactionalIdPrefix();
                case "--job-name" -> d.jobName();
                case "--ledger-user" -> LEDGER_USER;
                default -> null;
            };
        }
    }

    /**
     * Durations in the shared grammar ({@link Durations}: {@code 500ms}, {@code 10s}, {@code 5m},
     * {@code 1h}, {@code 2d}, {@code PT30S}, or {@code 0}). A bare number is rejected: for a
     * timeout, 5 s and 5 ms are both plausible. Public for the sandbox commands' own options.
     */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return toMillis(value);
            } catch (IllegalArgumentException e) {
                // picocli prefixes this with "Invalid value for option '--x': "
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }

        static long toMillis(String value) {
            return Durations.toMillis(value);
        }
    }

    /** For {@code --starting-offsets}: lower-case names, and an error that lists them. */
    static final class StartingOffsetsParser implements CommandLine.ITypeConverter<StartingOffsets> {
        @Override
        public StartingOffsets convert(String value) {
            try {
                return StartingOffsets.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not one of " + Arrays.stream(StartingOffsets.values())
                                .map(StartingOffsets::label).toList());
            }
        }
    }
}
