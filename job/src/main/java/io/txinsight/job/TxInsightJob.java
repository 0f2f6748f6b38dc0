package io.txinsight.job;

import io.txinsight.events.Alert;
import io.txinsight.events.DeadLetter;
import io.txinsight.events.KafkaAccessCheck;
import io.txinsight.events.KafkaTransactionHanging;
import io.txinsight.events.Outcome;
import io.txinsight.events.VelocityAlert;
import io.txinsight.job.collector.BlockedTransactions;
import io.txinsight.job.collector.KafkaTransactionsWatcher;
import io.txinsight.job.metrics.FlinkTrackerMetrics;
import io.txinsight.job.records.DecodedRecord;
import io.txinsight.job.records.View;
import io.txinsight.job.records.ViewEvent;
import io.txinsight.job.sinks.KafkaOutputs;
import io.txinsight.job.sinks.LedgerOutputs;
import io.txinsight.job.sinks.OpensForLedger;
import io.txinsight.job.sources.KafkaInput;
import io.txinsight.job.sources.KafkaViews;
import io.txinsight.job.sources.ViewRouter;
import io.txinsight.job.sources.ViewWatermarks;
import io.txinsight.job.sources.WallClock;
import io.txinsight.job.stats.ActiveAccountsOperator;
import io.txinsight.job.tracker.TransactionTracker;
import io.txinsight.job.velocity.VelocityDetector;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The txinsight job: two views of the same Kafka topics, the {@link TransactionTracker} between
 * them, the {@link VelocityDetector} on the monitor view's opens, and three output topics.
 *
 * <pre>
 *  monitor source (read_uncommitted) ─► route ─► events ─┬─► opens with an account ─► velocity ─► velocity alerts sink
 *                     (watermarks)        │              │                         (by account)  (alerts topic)
 *                                         └─► dead letters ─► dead-letter sink
 *                                                        ├─► tracker ─────┬─► outcomes sink
 *  committed source (read_committed) ─► route ─► events ─┘  (by txn_id)   └─► stuck alerts sink (alerts topic)
 *
 *  monitor events ─► opens with an account ─► active accounts (one subtask, sketches; gauges only)
 *
 *  poll ticks ─► Kafka transactions at the broker ─► + what each blocks ─► hanging Kafka transaction alerts sink
 *                                       (held back, from the tracker) ─┘  (by producer id)     (alerts topic)
 *  (one subtask, Admin API: offsets, lags, open and hanging transactions; gauges)
 * </pre>
 *
 * With a ledger ({@link #writingLedger}) the outcomes and alerts also go to PostgreSQL, and so do
 * the monitor view's opens, whose financial attributes the tracker does not keep (docs/ledger.md).
 *
 * As in the Flink training exercises, the sources and sinks come from outside: {@link #onKafka}
 * builds the real ones from a {@link JobConfig}, and TxInsightJobTest runs the very same wiring on
 * in-memory ones. {@link #main} reads the configuration from the command line ({@link JobOptions}).
 */
public class TxInsightJob {

    // Stable operator ids: state in savepoints is matched by them, so they never change.
    public static final String MONITOR_SOURCE_UID = "monitor-source";
    public static final String MONITOR_ROUTER_UID = "monitor-router";
    public static final String COMMITTED_SOURCE_UID = "committed-source";
    public static final String COMMITTED_ROUTER_UID = "committed-router";
    public static final String OUTCOMES_SINK_UID = "outcomes-sink";
    public static final String ALERTS_SINK_UID = "alerts-sink";
    public static final String VELOCITY_SINK_UID = "velocity-alerts-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";
    public static final String LEDGER_OUTCOMES_UID = "ledger-outcomes";
    public static final String LEDGER_ALERTS_UID = "ledger-alerts";
    public static final String LEDGER_OPENS_UID = "ledger-opens";
    public static final String LEDGER_OPENS_SELECT_UID = "ledger-opens-select";
    public static final String HANGING_SINK_UID = "kafka-transactions-hanging-sink";

    private final Source<DecodedRecord, ?, ?> monitor;
    private final Source<DecodedRecord, ?, ?> committed;
    private final Sink<Outcome> outcomes;
    private final Sink<Alert> alerts;
    private final Sink<VelocityAlert> velocityAlerts;
    private final Sink<DeadLetter> deadLetters;
    private final JobConfig config;
    /** The PostgreSQL ledger's writers, or null when the job keeps no ledger. */
    private LedgerOutputs ledger;
    /** The collector of the input's Kafka transactions and where its hanging records go, or null without one. */
    private KafkaTransactionsWatcher kafkaTransactions;
    private Sink<KafkaTransactionHanging> hangingAlerts;

    /**
     * The job on any two sources of the views and any three sinks. Of {@code config} it uses the
     * tracker settings, the monitor clock's timing and the input's description (in operator
     * names); {@link #onKafka} builds the sources and sinks from the rest.
     */
    public TxInsightJob(
            Source<DecodedRecord, ?, ?> monitor,
            Source<DecodedRecord, ?, ?> committed,
            Sink<Outcome> outcomes,
            Sink<Alert> alerts,
            Sink<VelocityAlert> velocityAlerts,
            Sink<DeadLetter> deadLetters,
            JobConfig config) {
        this.monitor = monitor;
        this.committed = committed;
        this.outcomes = outcomes;
        this.alerts = alerts;
        this.velocityAlerts = velocityAlerts;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    /**
     * Writes the outcomes and alerts to these ledger writers too (docs/ledger.md). Tests give
     * their own; {@link #onKafka} gives the PostgreSQL ones when the configuration names a ledger.
     */
    public TxInsightJob writingLedger(LedgerOutputs writers) {
        this.ledger = writers;
        return this;
    }

    /**
     * Watches the input's Kafka transactions at the broker (issue 18), writing a record per
     * hanging one to {@code hanging}. {@link #onKafka} adds it unless the configuration turns it
     * off or the input is bounded (the collector polls forever).
     */
    public TxInsightJob watchingKafkaTransactions(KafkaTransactionsWatcher watcher, Sink<KafkaTransactionHanging> hanging) {
        this.kafkaTransactions = watcher;
        this.hangingAlerts = hanging;
        return this;
    }

    /**
     * The job on the Kafka topics {@code config} names; outputs are exactly-once if asked. With a
     * ledger in the configuration it migrates the ledger's schema first, so a database it cannot
     * use stops it here, with a {@link LedgerOutputs.LedgerUnavailableException} naming the option.
     */
    public static TxInsightJob onKafka(JobConfig config, boolean exactlyOnce) {
        KafkaInput input = config.kafkaInput();
        KafkaOutputs out = config.kafkaOutputs(exactlyOnce);
        LedgerOutputs ledger = config.ledger() == null ? null : LedgerOutputs.open(config.ledger());
        TxInsightJob job = new TxInsightJob(
                KafkaViews.source(input, View.MONITOR, config.input().monitorGroupId()),
                KafkaViews.source(input, View.COMMITTED, config.input().committedGroupId()),
                out.outcomes(config.outputs().outcomesTopic()),
                out.alerts(config.outputs().alertsTopic()),
                out.velocityAlerts(config.outputs().alertsTopic()),
                out.deadLetters(config.outputs().deadLetterTopic()),
                config)
                .writingLedger(ledger);
        if (config.kafkaTransactions().enabled() && !config.input().bounded()) {
            job.watchingKafkaTransactions(new KafkaTransactionsWatcher(config.bootstrapServers(), config.adminProperties(),
                            config.input().topics(), config.input().topicPattern(), config.input().monitorGroupId(),
                            config.input().committedGroupId(), config.kafkaTransactions()),
                    out.kafkaTransactionsHanging(config.outputs().alertsTopic()));
        }
        return job;
    }

    /** Adds the job's operators to {@code env}; call {@code env.execute} (or executeAsync) after. */
    public void build(StreamExecutionEnvironment env) {
        String inputName = " " + config.input().describe();
        SingleOutputStreamOperator<ViewEvent> monitorEvents = env
                .fromSource(
                        monitor,
                        ViewWatermarks.monitor(config.outOfOrdernessMs(), config.idleAdvanceAfterMs(),
                                WallClock.SYSTEM, config.input().monitorGroupId()),
                        "Monitor view (read_uncommitted)" + inputName)
                .uid(MONITOR_SOURCE_UID)
                .process(new ViewRouter(View.MONITOR, config.input().monitorGroupId()))
                .uid(MONITOR_ROUTER_UID)
                .name("Monitor view: events and dead letters");

        SingleOutputStreamOperator<ViewEvent> committedEvents = env
                .fromSource(committed, ViewWatermarks.committed(), "Committed view (read_committed)" + inputName)
                .uid(COMMITTED_SOURCE_UID)
                .process(new ViewRouter(View.COMMITTED, config.input().committedGroupId()))
                .uid(COMMITTED_ROUTER_UID)
                .name("Committed view: events (bad records counted only)");

        SingleOutputStreamOperator<Outcome> tracked =
                TransactionTracker.track(monitorEvents, committedEvents, config.tracker(),
                        FlinkTrackerMetrics.factory(), config.rollbackProbe());

        ActiveAccountsOperator.count(monitorEvents);

        tracked.sinkTo(outcomes).uid(OUTCOMES_SINK_UID).name("Outcomes");
        tracked.getSideOutput(TransactionTracker.ALERTS).sinkTo(alerts).uid(ALERTS_SINK_UID).name("Stuck alerts");
        VelocityDetector.detect(monitorEvents, config.velocity())
                .sinkTo(velocityAlerts)
                .uid(VELOCITY_SINK_UID)
                .name("Velocity alerts");
        monitorEvents.getSideOutput(ViewRouter.DEAD_LETTERS)
                .sinkTo(deadLetters)
                .uid(DEAD_LETTER_SINK_UID)
                .name("Dead letters");
        if (kafkaTransactions != null) {
            BlockedTransactions.count(kafkaTransactions.watch(env), tracked.getSideOutput(TransactionTracker.HELD_BACK))
                    .sinkTo(hangingAlerts)
                    .uid(HANGING_SINK_UID)
                    .name("Hanging Kafka transaction alerts")
                    .setParallelism(1);
        }
        if (ledger != null) {
            // The opens' attributes reach the ledger from the monitor view, not through the tracker.
            monitorEvents.flatMap(new OpensForLedger())
                    .uid(LEDGER_OPENS_SELECT_UID)
                    .name("Ledger: opens of the monitor view")
                    .sinkTo(ledger.opens())
                    .uid(LEDGER_OPENS_UID)
                    .name("Ledger: opens");
            tracked.sinkTo(ledger.outcomes()).uid(LEDGER_OUTCOMES_UID).name("Ledger: outcomes");
            tracked.getSideOutput(TransactionTracker.ALERTS)
                    .sinkTo(ledger.alerts())
                    .uid(LEDGER_ALERTS_UID)
                    .name("Ledger: stuck alerts");
        }
    }

    /**
     * The one place the job configures its environment: checkpointing and parallelism. Records
     * are immutable once emitted, so object reuse is on: chained operators pass records without
     * copying them.
     */
    public static void configure(StreamExecutionEnvironment env, JobConfig config) {
        if (config.checkpointIntervalMs() > 0) {
            env.enableCheckpointing(config.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        }
        if (config.parallelism() > 0) {
            env.setParallelism(config.parallelism());
        }
        env.getConfig().enableObjectReuse();
    }

    /**
     * Configures {@code env}, builds the job on Kafka and starts it without waiting: what the
     * sandbox and the tests call. Outputs are exactly-once when the environment checkpoints.
     */
    public static JobClient start(StreamExecutionEnvironment env, JobConfig config) throws Exception {
        configure(env, config);
        onKafka(config, env.getCheckpointConfig().isCheckpointingEnabled()).build(env);
        return env.executeAsync(config.jobName());
    }

    /**
     * Asks Kafka, before the job starts, whether it accepts the job's client settings. A Kafka
     * source that cannot log in retries forever with a stack trace each time; this turns a wrong
     * password or an untrusted certificate into one message naming the {@code --kafka.} option
     * to fix.
     *
     * @return the cluster's id, or why access could not be checked
     */
    public static KafkaAccessCheck.Access checkKafkaAccess(JobConfig config) throws KafkaAccessCheck.AccessDeniedException {
        return KafkaAccessCheck.check(config.bootstrapServers(), config.kafkaProperties(),
                KafkaAccessCheck.DEFAULT_TIMEOUT, key -> JobOptions.KAFKA + key);
    }

    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (JobOptions.InvalidOptionsException e) {
            System.err.println("txinsight-job: " + e.getMessage());
            System.err.println("Run with --help for every option and its default.");
            System.exit(2);
            return;
        }
        if (options.helpRequested()) {
            System.out.print(JobOptions.usage());
            return;
        }
        JobConfig config = options.config();
        try {
            checkKafkaAccess(config).notChecked().ifPresent(why -> System.err.println("txinsight-job: did not check Kafka access: "
                    + why + "; starting anyway, the job waits for Kafka."));
        } catch (KafkaAccessCheck.AccessDeniedException e) {
            System.err.println("txinsight-job: " + e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        TxInsightJob job;
        try {
            job = onKafka(config, env.getCheckpointConfig().isCheckpointingEnabled());
        } catch (LedgerOutputs.LedgerUnavailableException e) {
            System.err.println("txinsight-job: " + e.getMessage());
            System.exit(3);
            return;
        }
        job.build(env);
        env.execute(config.jobName());
    }
}
